import { describeError } from './log-value';
import type { LogFields } from './log-record';

/** What one call to `log` / `error` / `info` / … said, sorted out. */
export interface LogCall {
  readonly msg: string;
  readonly context?: string;
  readonly stack?: string;
  readonly fields: LogFields[];
}

/**
 * Reads the arguments of a logging call the way Nest's ConsoleLogger does, so code written
 * against Nest's `Logger` means the same here, and adds our structured form:
 *
 * - `log(msg, 'Context')`: a trailing string is the context (Nest's `new Logger('X')` appends it);
 * - `error(msg, stack)`, `error(msg, stack, 'Context')`, `error(msg, undefined, 'Context')`:
 *   for errors, the string before the context, or a lone string that looks like a stack, is the stack;
 * - `info(msg, { messageId, queue })`: plain objects are fields (several are merged, in order);
 * - an `Error` as the message gives its message and stack; an `Error` among the arguments gives
 *   an `error` field and, if none was passed, the stack;
 * - a plain object as the message is all fields, with an empty `msg`;
 * - anything else (numbers, arrays) is appended to the message.
 */
export function parseLogCall(isError: boolean, message: unknown, params: readonly unknown[]): LogCall {
  const fields: LogFields[] = [];
  let stack: string | undefined;
  let msg: string;
  if (message instanceof Error) {
    msg = message.message;
    stack = message.stack;
  } else if (isPlainObject(message)) {
    msg = '';
    fields.push(message);
  } else {
    msg = typeof message === 'string' ? message : display(message);
  }

  let rest = [...params];
  let context: string | undefined;
  if (isError && rest.length === 1 && (rest[0] === undefined || looksLikeStack(rest[0]))) {
    // Logger.error(msg, stack): ConsoleLogger reads a lone stack-shaped argument as the stack.
    stack = (rest[0] as string | undefined) ?? stack;
    rest = [];
  } else {
    if (isError && rest.length > 1 && looksLikeStack(rest[rest.length - 1])) {
      stack = rest.pop() as string;
    }
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') context = rest.pop() as string;
    // new Logger('X').error(msg, stack) arrives as (msg, stack, 'X'); the stack may be any string.
    const last = rest[rest.length - 1];
    if (isError && rest.length > 0 && (typeof last === 'string' || last === undefined)) {
      rest.pop();
      stack = (last as string | undefined) ?? stack;
    }
  }

  const extras: string[] = [];
  for (const param of rest) {
    if (param === undefined) continue;
    if (isPlainObject(param)) {
      fields.push(param);
    } else if (param instanceof Error) {
      fields.push({ error: describeError(param) });
      stack ??= param.stack;
    } else {
      extras.push(typeof param === 'string' ? param : display(param));
    }
  }
  if (extras.length > 0) msg = [msg, ...extras].filter((part) => part !== '').join(' ');
  return { msg, context, stack, fields };
}

/** Same test as Nest's ConsoleLogger.isStackFormat. */
function looksLikeStack(value: unknown): value is string {
  return typeof value === 'string' && /\n[ \t]+at .+:\d+:\d+/.test(value);
}

function isPlainObject(value: unknown): value is LogFields {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
