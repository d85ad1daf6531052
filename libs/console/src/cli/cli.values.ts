import { CliUsageError } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// As @InboxHandler checks it: a key never holds a "/", so `<messageId>/<handlerKey>` splits at the last one.
const HANDLER_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const MAX_MESSAGE_ID = 255;

/** An outbox message id: a UUID. */
export function outboxId(text: string): string {
  if (!UUID.test(text)) {
    throw new CliUsageError(`"${shown(text)}" is not an outbox message id (a UUID such as 0190d2a4-…).`);
  }
  return text.toLowerCase();
}

/** An inbox or consumer message id as a transport gave it: 1-255 characters. */
export function messageId(text: string, what = 'message id'): string {
  if (text.length === 0 || text.length > MAX_MESSAGE_ID || text.includes('\u0000')) {
    throw new CliUsageError(`"${shown(text)}" is not a ${what} (1-${MAX_MESSAGE_ID} characters).`);
  }
  return text;
}

/** `<messageId>/<handlerKey>`: one handler's run of an inbox message, as `dead list inbox` shows it. */
export function inboxRun(text: string): { messageId: string; handlerKey: string } {
  const slash = text.lastIndexOf('/');
  const handlerKey = text.slice(slash + 1);
  if (slash <= 0 || !HANDLER_KEY.test(handlerKey)) {
    throw new CliUsageError(
      `"${shown(text)}" is not an inbox handler run: write <messageId>/<handlerKey>, as "dead list inbox" shows it.`,
    );
  }
  return { messageId: messageId(text.slice(0, slash)), handlerKey };
}

/** A whole number within bounds, for --limit and --offset. */
export function wholeNumber(flag: string, text: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new CliUsageError(`${flag} must be a whole number from ${min} to ${max}; got "${shown(text)}".`);
  }
  return Number(text);
}

/** A time for --from / --to, sent as ISO 8601 (the API's form) whatever form Date understood. */
export function time(flag: string, text: string): string {
  const date = new Date(text);
  if (text.trim() === '' || Number.isNaN(date.getTime())) {
    throw new CliUsageError(`${flag} must be a time such as 2026-12-02T15:00:00Z; got "${shown(text)}".`);
  }
  return date.toISOString();
}

/** A value in a message, cut short: an argument can be anything, even a pasted payload. */
function shown(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
