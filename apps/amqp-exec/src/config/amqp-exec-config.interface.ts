import type { LogFormat, LogLevelName } from '../logging/logging.constants';

/**
 * A FastCGI server's address, from `host:port`, `[ipv6]:port` (brackets removed) or
 * `unix:/path`. The same shape as the workers' `FastCgiAddress`, so it passes straight through.
 */
export type FastCgiAddress = { readonly host: string; readonly port: number } | { readonly path: string };

/**
 * What each message is handed to: exactly one of the two.
 * - `exec`: `command` is spawned with `args` (no shell), the payload on its stdin. Exit 0 acks;
 *   an exit code in `retryExitCodes` retries; any other code dead-letters.
 * - `fastcgi`: a FastCGI request with `SCRIPT_FILENAME=scriptFilename` and the payload as its
 *   body. Status 2xx acks; a status in `retryStatuses` retries; any other dead-letters.
 */
export type WorkerConfig =
  | { readonly type: 'exec'; readonly command: string; readonly args: readonly string[] }
  | { readonly type: 'fastcgi'; readonly address: FastCgiAddress; readonly scriptFilename: string };

/**
 * amqp-exec's settings, validated and with defaults applied. Each comes from a flag, an
 * environment variable, the JSON config file or its default, in that order of precedence.
 * Durations are milliseconds.
 */
export interface AmqpExecConfig {
  /** AMQP URI (`amqp://` or `amqps://`). It may hold a password: log it only through the logger, which redacts it. */
  readonly url: string;
  /** Queue to consume from: 1–255 bytes, no control characters. */
  readonly queue: string;
  readonly worker: WorkerConfig;
  /** Messages processed at once, 1–1000. @default 1 */
  readonly concurrency: number;
  /** AMQP prefetch (unacked deliveries held), from `concurrency` to 65535. @default concurrency */
  readonly prefetch: number;
  /** Per-message time limit, ms (1 to 86400000). @default 30000 */
  readonly timeout: number;
  /** Exit codes (1–255) that mean "try again later". @default [75] (EX_TEMPFAIL) */
  readonly retryExitCodes: readonly number[];
  /** FastCGI statuses (400–599) that mean "try again later". @default [429, 503] */
  readonly retryStatuses: readonly number[];
  /** Attempts before a message is dead-lettered, 1–1000. @default 5 */
  readonly maxAttempts: number;
  /** Delay before the first retry, ms; later retries back off from it. @default 1000 */
  readonly retryDelay: number;
  /** Ceiling of the retry delay, ms; at least `retryDelay`. @default 60000 */
  readonly retryMaxDelay: number;
  /** Where messages go after `maxAttempts` or a non-retryable failure. @default `<queue>.dead` */
  readonly deadLetterQueue: string;
  /** Declare the queues (durable) at start-up; false consumes queues that must already exist. @default true */
  readonly declareQueue: boolean;
  /** @default 'logfmt' */
  readonly logFormat: LogFormat;
  /** @default 'info' */
  readonly logLevel: LogLevelName;
  /** How long SIGTERM waits for running workers before stopping, ms (0 = do not wait). @default 30000 */
  readonly shutdownTimeout: number;
  /** The config file read, as given; undefined when there was none. */
  readonly configFile: string | undefined;
}
