/** Nothing answered at the console's URL (refused, unknown host, timed out), exit code 1. */
export class ConsoleUnreachableError extends Error {
  override readonly name = 'ConsoleUnreachableError';

  constructor(
    /** The console's URL without credentials. */
    readonly url: string,
    /** Why, in a few words: "connection refused", "no answer within 30 s". */
    readonly reason: string,
  ) {
    super(`nothing answered at ${url} (${reason})`);
  }
}
