/**
 * A LIKE / ILIKE pattern that matches `text` anywhere in a value: the pattern characters
 * `%` and `_` in it, and the escape character `\` itself, are escaped, so they match
 * only themselves. Uses LIKE's default escape character (`\`): write no ESCAPE clause.
 *
 * @example `last_error ILIKE $1` with containsPattern('100%') // '%100\%%'
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
