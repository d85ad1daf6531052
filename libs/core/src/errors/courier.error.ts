/**
 * Base of every error Courier throws on purpose. `code` is stable and meant for
 * programs (switch on it); `message` is for people and says what to change.
 */
export abstract class CourierError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
