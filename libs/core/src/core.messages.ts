/** Texts of core errors: each says what was wrong and what to do. */
export const CoreMessages = {
  payloadTooLarge: (size: number, limit: number) =>
    `Payload is ${size} bytes, over the limit of ${limit} bytes. ` +
    `Send a reference to the data instead, or raise maxPayloadBytes.`,
  unsafeJson:
    'JSON contains a "__proto__" or "constructor.prototype" key, which could pollute prototypes. ' +
    'Rename the key.',
  notSerializable: (path: string, reason: string) =>
    `Payload is not JSON-serializable at ${path || '(root)'}: ${reason}. ` +
    `Convert it to plain JSON values (string, finite number, boolean, null, array, object) first.`,
  malformedJson: (reason: string) => `Body is not valid JSON: ${reason}.`,
  invalidIdentifier: (option: string, value: unknown) =>
    `Option "${option}" must be a SQL identifier matching ${SQL_IDENTIFIER_RULE} ` +
    `(lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters); ` +
    `got ${JSON.stringify(safeString(value)).slice(0, 80)}.`,
} as const;

export const SQL_IDENTIFIER_RULE = '/^[a-z_][a-z0-9_]{0,62}$/';

// String() throws for null-prototype objects and hostile toString(); an error message must not.
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
