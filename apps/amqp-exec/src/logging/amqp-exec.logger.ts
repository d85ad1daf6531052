import type { LoggerService } from '@nestjs/common';
import { encodeJsonLine } from './json-line.encoder';
import { encodeLogfmt } from './logfmt.encoder';
import { parseLogCall } from './log-call.parser';
import { mergeFields, toEntries, type LogFields, type LogRecord } from './log-record';
import { LEVEL_RANK, type LogFormat, type LogLabel, type LogLevelName } from './logging.constants';

/** Where lines go: `process.stdout` / `process.stderr`, or a collecting fake in tests. */
export interface LogSink {
  write(chunk: string): unknown;
}

export interface AmqpExecLoggerOptions {
  /** @default 'logfmt' */
  readonly format?: LogFormat;
  /** Lines below this level are dropped. @default 'info' */
  readonly level?: LogLevelName;
  /** Receives debug and info lines. @default process.stdout */
  readonly stdout?: LogSink;
  /** Receives warn, error and fatal lines. @default process.stderr */
  readonly stderr?: LogSink;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Fields written on every line, before the call's own, e.g. `{ queue: 'jobs' }`; a call's field of the same key wins. */
  readonly fields?: LogFields;
}

/**
 * amqp-exec's logger: one line per record, logfmt (default) or JSON, debug/info to stdout and
 * warn/error/fatal to stderr, so a supervisor can keep the two apart and `2>` catches trouble.
 * Every URL credential (user name, password, secret query parameter) in a message, context,
 * field or stack is written as `***`.
 *
 * It is a Nest `LoggerService`: `Logger.overrideLogger(logger)` routes the Courier libraries'
 * `new Logger('X').log(...)` calls here, with `X` as `context=X`. It also takes fields:
 *
 * @example
 * logger.info('message processed', { messageId, queue, exitCode: 0, durationMs });
 * // time=2026-11-22T10:00:00.000Z level=info msg="message processed" message_id=abc queue=jobs exit_code=0 duration_ms=12
 *
 * Logging never throws: a sink that fails (a closed pipe) or a value that cannot be read
 * loses that line, not the message being processed.
 */
export class AmqpExecLogger implements LoggerService {
  private readonly format: LogFormat;
  private readonly threshold: number;
  private readonly stdout: LogSink;
  private readonly stderr: LogSink;
  private readonly clock: () => Date;
  private readonly boundFields: LogFields | undefined;

  constructor(private readonly options: AmqpExecLoggerOptions = {}) {
    this.format = options.format ?? 'logfmt';
    this.threshold = LEVEL_RANK[options.level ?? 'info'];
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.clock = options.clock ?? (() => new Date());
    this.boundFields = options.fields;
  }

  /** A logger writing to the same places that adds `fields` to every line. */
  child(fields: LogFields): AmqpExecLogger {
    return new AmqpExecLogger({ ...this.options, fields: { ...this.boundFields, ...fields } });
  }

  /** Whether a line at `level` would be written: skip building costly fields when not. */
  isLevelEnabled(level: LogLabel): boolean {
    return LEVEL_RANK[level] >= this.threshold;
  }

  /** @example logger.info('message processed', { messageId, exitCode: 0 }) */
  info(message: string, fields?: LogFields): void;
  info(message: unknown, ...optionalParams: unknown[]): void;
  info(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  /** @example logger.debug('spawned worker', { pid }) */
  debug(message: string, fields?: LogFields): void;
  debug(message: unknown, ...optionalParams: unknown[]): void;
  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  /** @example logger.warn('will retry', { messageId, attempt: 2, delayMs: 2000 }) */
  warn(message: string, fields?: LogFields): void;
  warn(message: unknown, ...optionalParams: unknown[]): void;
  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  /**
   * @example logger.error('worker failed', { messageId, exitCode: 1 })
   * @example logger.error(err) // message and stack from the Error
   * @example new Logger('Consumer').error('lost channel', err.stack) // Nest: stack, then context
   */
  error(message: unknown, fields?: LogFields): void;
  error(message: unknown, ...optionalParams: unknown[]): void;
  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  /** Nest's `log`: written as `level=info`. */
  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  /** Nest's `verbose`: written as `level=debug`. */
  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  /** Nest's `fatal`: written as `level=fatal`, to stderr, whatever the level filter. */
  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: LogLabel, message: unknown, params: readonly unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    try {
      const call = parseLogCall(level === 'error' || level === 'fatal', message, params);
      const record: LogRecord = {
        time: this.clock(),
        level,
        msg: call.msg,
        context: call.context,
        fields: mergeFields(this.boundFields, ...call.fields),
        stack: call.stack,
      };
      const entries = toEntries(record);
      const line = this.format === 'json' ? encodeJsonLine(entries) : encodeLogfmt(entries);
      // One write per line: a line reaches a pipe whole, never interleaved with another.
      (LEVEL_RANK[level] >= LEVEL_RANK.warn ? this.stderr : this.stdout).write(`${line}\n`);
    } catch {
      // Nowhere left to report it: the sink itself may be what failed.
    }
  }
}
