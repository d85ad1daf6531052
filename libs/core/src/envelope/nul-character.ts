/**
 * U+0000, which PostgreSQL's `text` and `jsonb` cannot hold: a message carrying one in any
 * string Courier stores (a header, its key, a payload string or key) would fail the INSERT,
 * and in a batch the whole batch. Such a message is refused where it enters, naming where
 * the character is.
 */
const NUL = '\u0000';

/**
 * `\u0000` in JSON text: JSON.parse makes the escape a NUL, and jsonb refuses it. `\\u0000`
 * (an escaped backslash, then "u0000") contains it too: the walk over the value decides.
 */
const ESCAPED_NUL = '\\u0000';

/** Why a NUL at `where` is refused: the end of every such error and dead-letter reason. */
export function nulCharacterProblem(where: string): string {
  return (
    `${where} contains a NUL character (U+0000), which PostgreSQL cannot store in text or jsonb; ` +
    'remove it, or encode binary data (e.g. as base64)'
  );
}

export function hasNulCharacter(text: string): boolean {
  return text.includes(NUL);
}

/**
 * Where the first NUL is in a JSON value, as a path from `root` (`payload.lines[0].sku`;
 * an object key counts too), or undefined when there is none.
 */
export function nulCharacterPath(value: unknown, root: string): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? root : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulCharacterPath(value[i], `${root}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const path = `${root}${propertyAccess(key)}`;
    if (key.includes(NUL)) return path;
    const found = nulCharacterPath(child, path);
    if (found) return found;
  }
  return undefined;
}

/**
 * `nulCharacterPath` for JSON text and the value it stands for (parsed from the text when not
 * given). Only text that may hold an escaped NUL pays for the walk (JSON cannot hold a raw one
 * in a string, and JSON.stringify escapes it); any other pays one substring search.
 */
export function nulCharacterPathInJson(text: string, root: string, value?: unknown): string | undefined {
  if (!text.includes(ESCAPED_NUL)) return undefined;
  return nulCharacterPath(value === undefined ? JSON.parse(text) : value, root);
}

/** `.name` for a plain key, `["…"]` (JSON-quoted, so a NUL in it prints escaped) for any other. */
function propertyAccess(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
