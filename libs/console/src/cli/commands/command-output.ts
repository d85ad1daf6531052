/** Where a command writes: stdout for the answer, stderr for what went wrong. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

/** `--json`: the API's answer as it came, indented, for jq and scripts. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
