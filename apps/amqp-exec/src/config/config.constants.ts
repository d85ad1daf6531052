/** Every environment variable amqp-exec reads starts with this (plus the conventional AMQP_URL). */
export const ENV_PREFIX = 'AMQP_EXEC_';

/** A shell-friendly alias many RabbitMQ tools read; AMQP_EXEC_URL wins when both are set. */
export const AMQP_URL_ALIAS = 'AMQP_URL';

/**
 * Variables the exec worker sets for its command (workers/exec.worker.ts). A command that runs
 * amqp-exec itself inherits them; they are not settings, and not worth a warning.
 */
export const WORKER_ENV_NAMES: readonly string[] = [
  'AMQP_EXEC_ATTRIBUTES',
  'AMQP_EXEC_MESSAGE_ID',
  'AMQP_EXEC_ATTEMPT',
];

export const CONFIG_FLAG = '--config';
export const CONFIG_ENV = `${ENV_PREFIX}CONFIG`;

/** AMQP's short string: a queue name is at most 255 bytes. */
export const MAX_QUEUE_NAME_BYTES = 255;

/** One day: longer than any sensible per-message or retry wait, short enough to catch a typo (ms vs s). */
export const MAX_DURATION_MS = 86_400_000;

/** `basic.qos` prefetch-count is a 16-bit field. */
export const MAX_PREFETCH = 65_535;

export const MAX_CONCURRENCY = 1000;
export const MAX_ATTEMPTS = 1000;

/** EX_TEMPFAIL from sysexits.h: "temporary failure, try again later". */
export const EX_TEMPFAIL = 75;

/** The suffix of the default dead-letter queue, `<queue>.dead`. */
export const DEAD_LETTER_SUFFIX = '.dead';
