/** The console answered, but not with success: its status and `message`, exit code 1. */
export class ConsoleRefusedError extends Error {
  override readonly name = 'ConsoleRefusedError';

  constructor(
    /** The console's URL without credentials. */
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    /** The API's `message`, or a description of the answer when it had none. */
    readonly apiMessage: string,
  ) {
    super(`${url} answered ${status}${statusText ? ` ${statusText}` : ''}: ${apiMessage}`);
  }
}
