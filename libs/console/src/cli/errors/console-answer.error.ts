/**
 * Something answered with success but not with the console's JSON: usually --url points
 * at the service, not at the console's mount path. Exit code 1.
 */
export class ConsoleAnswerError extends Error {
  override readonly name = 'ConsoleAnswerError';

  constructor(
    readonly url: string,
    readonly detail: string,
  ) {
    super(`${url} answered with ${detail}, not the console's JSON`);
  }
}
