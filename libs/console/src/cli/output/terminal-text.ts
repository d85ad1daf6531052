/**
 * Text from messages (payloads, error messages, names) printed on an operator's terminal.
 * It is data, not output of ours: a control character in it could move the cursor, rewrite
 * earlier lines or retitle the window, so every one is shown escaped (`\n`, `\u001b`).
 */
export function terminalSafe(value: unknown): string {
  // A field an older or newer console does not send prints as "-", not as a crash.
  const text = value === null || value === undefined ? '-' : String(value);
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** The first line of `text`, at most `max` characters, with "…" when cut. For a table cell. */
export function shortened(text: string | null | undefined, max: number): string {
  if (text === null || text === undefined || text === '') return '-';
  const firstLine = text.trim().split(/\r?\n/, 1)[0];
  const cut = firstLine.length > max || firstLine.length < text.trim().length;
  const safe = terminalSafe(firstLine.length > max ? firstLine.slice(0, max - 1).trimEnd() : firstLine);
  return cut ? `${safe}…` : safe;
}

/** An ISO time as `2026-12-02 15:00:00Z` (UTC, seconds): readable, still exact enough to filter by. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return terminalSafe(String(iso));
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** `count noun(s)`: "1 message", "3 messages". */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
