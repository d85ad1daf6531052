import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a log line about one message should carry as structured fields. The inbox
 * dispatcher sets `messageId`, `eventType`, `handlerKey` around a handler run; the
 * consumer runner sets `messageId` and `queue` around processing and settling. Both add
 * `correlationId` when the message has one (set it to your request id when publishing
 * to follow a request through every service).
 */
export interface MessageLogFields {
  readonly messageId: string;
  readonly eventType?: string;
  readonly handlerKey?: string;
  readonly queue?: string;
  readonly correlationId?: string;
}

const storage = new AsyncLocalStorage<MessageLogFields>();
// Nothing is stored until someone has read: on Node 20 the first AsyncLocalStorage.run
// turns on a promise hook for the whole process, which a consumer that never logs
// these fields should not pay for.
let recording = false;

/**
 * The message a piece of code is working on, for loggers: Courier's libs set it around
 * each handler run and each processed message; a logger reads it per line.
 *
 * With pino (and nestjs-pino):
 *
 * @example
 * LoggerModule.forRoot({ pinoHttp: { mixin: () => MessageLogContext.current() ?? {} } })
 *
 * The fields are recorded only once `current()` has been called at least once in the
 * process, so a process whose logger never asks pays nothing. A logger configured as
 * above asks at its first line, normally during bootstrap.
 */
export const MessageLogContext = {
  /**
   * Whether `run` records anything: true once `current()` has been called. Lets a hot
   * path skip building fields nobody will read.
   */
  get recording(): boolean {
    return recording;
  },

  /** Runs `fn` with `fields` as the current message; a nested run replaces them until it returns. */
  run<T>(fields: MessageLogFields, fn: () => T): T {
    return recording ? storage.run(fields, fn) : fn();
  },

  /**
   * The fields of the message being worked on, or undefined outside one. A fresh object
   * each call: pino's mixin merges each line's own fields into what it is given.
   */
  current(): MessageLogFields | undefined {
    recording = true;
    const fields = storage.getStore();
    return fields === undefined ? undefined : { ...fields };
  },
} as const;
