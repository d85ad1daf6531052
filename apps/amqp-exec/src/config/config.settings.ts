import type { FastCgiAddress } from './amqp-exec-config.interface';
import {
  EX_TEMPFAIL,
  MAX_ATTEMPTS,
  MAX_CONCURRENCY,
  MAX_DURATION_MS,
  MAX_PREFETCH,
  MAX_QUEUE_NAME_BYTES,
} from './config.constants';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevelName } from '../logging/logging.constants';
import {
  amqpUrl,
  argumentList,
  boolean,
  fastCgiAddress,
  integer,
  integerList,
  oneOf,
  path,
  queueName,
  type SettingCodec,
} from './setting.codecs';

/** Each setting's value as read from one source, before settings are checked against each other. */
export interface SettingValues {
  url: string;
  queue: string;
  exec: string;
  args: string[];
  fastcgi: FastCgiAddress;
  script: string;
  concurrency: number;
  prefetch: number;
  timeout: number;
  retryExitCodes: number[];
  retryStatuses: number[];
  maxAttempts: number;
  retryDelay: number;
  retryMaxDelay: number;
  deadLetterQueue: string;
  declareQueue: boolean;
  logFormat: LogFormat;
  logLevel: LogLevelName;
  shutdownTimeout: number;
}

/** A setting's name: also its key in the config file. */
export type SettingKey = keyof SettingValues;

export type HelpGroup = 'Connection' | 'Worker' | 'Processing' | 'Retries' | 'Logging';

/** One setting's three spellings, how it is read, and its line in `--help`. */
export interface SettingSpec<T> {
  /** `--prefetch` */
  readonly flag: string;
  /** `AMQP_EXEC_PREFETCH`; later names are aliases, read only when the earlier ones are unset. */
  readonly env: readonly string[];
  /** The flag may be given several times; the occurrences add up. */
  readonly repeatable?: boolean;
  /** `--no-<flag>` sets false. */
  readonly negatable?: boolean;
  /** Shown redacted in error messages (it may carry a password). */
  readonly secret?: boolean;
  readonly codec: SettingCodec<T>;
  readonly valueName: string;
  readonly group: HelpGroup;
  readonly help: string;
  /** The default as `--help` shows it; none for required settings. */
  readonly defaultHelp?: string;
}

export type SettingSpecs = { readonly [K in SettingKey]: SettingSpec<SettingValues[K]> };

const milliseconds = (min: number) => integer(min, MAX_DURATION_MS, 'milliseconds');

/**
 * Every setting, in `--help` order. One table drives the flag parser, the environment
 * reader, the config file's allowed keys and the help text, so the three spellings of a
 * setting cannot drift apart: file key `retryMaxDelay`, flag `--retry-max-delay`,
 * variable `AMQP_EXEC_RETRY_MAX_DELAY`.
 */
export const SETTINGS: SettingSpecs = {
  url: {
    flag: '--url',
    env: ['AMQP_EXEC_URL', 'AMQP_URL'],
    secret: true,
    codec: amqpUrl(),
    valueName: '<uri>',
    group: 'Connection',
    help: 'RabbitMQ URI, amqp:// or amqps://. Required.',
  },
  queue: {
    flag: '--queue',
    env: ['AMQP_EXEC_QUEUE'],
    codec: queueName(MAX_QUEUE_NAME_BYTES),
    valueName: '<name>',
    group: 'Connection',
    help: 'Queue to consume. Required.',
  },
  declareQueue: {
    flag: '--declare-queue',
    env: ['AMQP_EXEC_DECLARE_QUEUE'],
    negatable: true,
    codec: boolean(),
    valueName: '',
    group: 'Connection',
    help: 'Declare the queue and the dead-letter queue (durable) at start; --no-declare-queue uses existing ones.',
    defaultHelp: 'true',
  },
  exec: {
    flag: '--exec',
    env: ['AMQP_EXEC_EXEC'],
    codec: path('a command'),
    valueName: '<command>',
    group: 'Worker',
    help: 'Run this command for each message, the payload on its stdin (no shell).',
  },
  args: {
    flag: '--arg',
    env: ['AMQP_EXEC_ARGS'],
    repeatable: true,
    codec: argumentList(),
    valueName: '<arg>',
    group: 'Worker',
    help: 'An argument for --exec; repeat for more. Write --arg=-v for one starting with "-". Env: a JSON array.',
    defaultHelp: 'none',
  },
  fastcgi: {
    flag: '--fastcgi',
    env: ['AMQP_EXEC_FASTCGI'],
    codec: fastCgiAddress(),
    valueName: '<address>',
    group: 'Worker',
    help: 'Instead of --exec, send each message to this FastCGI server: host:port or unix:/path.',
  },
  script: {
    flag: '--script',
    env: ['AMQP_EXEC_SCRIPT'],
    codec: path('a script path'),
    valueName: '<path>',
    group: 'Worker',
    help: 'SCRIPT_FILENAME for --fastcgi (required with it).',
  },
  concurrency: {
    flag: '--concurrency',
    env: ['AMQP_EXEC_CONCURRENCY'],
    codec: integer(1, MAX_CONCURRENCY),
    valueName: '<n>',
    group: 'Processing',
    help: 'Messages processed at once.',
    defaultHelp: '1',
  },
  prefetch: {
    flag: '--prefetch',
    env: ['AMQP_EXEC_PREFETCH'],
    codec: integer(1, MAX_PREFETCH),
    valueName: '<n>',
    group: 'Processing',
    help: `Unacknowledged messages held, from the concurrency to ${MAX_PREFETCH}.`,
    defaultHelp: 'the concurrency',
  },
  timeout: {
    flag: '--timeout',
    env: ['AMQP_EXEC_TIMEOUT'],
    codec: milliseconds(1),
    valueName: '<ms>',
    group: 'Processing',
    help: 'Time limit per message; a worker over it is stopped and the message retried.',
    defaultHelp: '30000',
  },
  shutdownTimeout: {
    flag: '--shutdown-timeout',
    env: ['AMQP_EXEC_SHUTDOWN_TIMEOUT'],
    codec: milliseconds(0),
    valueName: '<ms>',
    group: 'Processing',
    help: 'On SIGTERM, how long to wait for running workers (0: do not wait).',
    defaultHelp: '30000',
  },
  retryExitCodes: {
    flag: '--retry-exit-code',
    env: ['AMQP_EXEC_RETRY_EXIT_CODES'],
    repeatable: true,
    codec: integerList(1, 255, 'exit codes'),
    valueName: '<code,...>',
    group: 'Retries',
    help: 'Exit codes that mean "retry later"; any other non-zero code dead-letters. Repeatable.',
    defaultHelp: String(EX_TEMPFAIL),
  },
  retryStatuses: {
    flag: '--retry-status',
    env: ['AMQP_EXEC_RETRY_STATUSES'],
    repeatable: true,
    codec: integerList(400, 599, 'HTTP statuses'),
    valueName: '<status,...>',
    group: 'Retries',
    help: 'FastCGI statuses that mean "retry later". Repeatable.',
    defaultHelp: '429,503',
  },
  maxAttempts: {
    flag: '--max-attempts',
    env: ['AMQP_EXEC_MAX_ATTEMPTS'],
    codec: integer(1, MAX_ATTEMPTS),
    valueName: '<n>',
    group: 'Retries',
    help: 'Attempts before a message is dead-lettered.',
    defaultHelp: '5',
  },
  retryDelay: {
    flag: '--retry-delay',
    env: ['AMQP_EXEC_RETRY_DELAY'],
    codec: milliseconds(0),
    valueName: '<ms>',
    group: 'Retries',
    help: 'Delay before the first retry; later retries back off from it.',
    defaultHelp: '1000',
  },
  retryMaxDelay: {
    flag: '--retry-max-delay',
    env: ['AMQP_EXEC_RETRY_MAX_DELAY'],
    codec: milliseconds(0),
    valueName: '<ms>',
    group: 'Retries',
    help: 'Longest retry delay; at least --retry-delay.',
    defaultHelp: '60000, or the retry delay if larger',
  },
  deadLetterQueue: {
    flag: '--dead-letter-queue',
    env: ['AMQP_EXEC_DEAD_LETTER_QUEUE'],
    codec: queueName(MAX_QUEUE_NAME_BYTES),
    valueName: '<name>',
    group: 'Retries',
    help: 'Where failed messages go.',
    defaultHelp: '<queue>.dead',
  },
  logFormat: {
    flag: '--log-format',
    env: ['AMQP_EXEC_LOG_FORMAT'],
    codec: oneOf(LOG_FORMATS),
    valueName: `<${LOG_FORMATS.join('|')}>`,
    group: 'Logging',
    help: 'Log line format.',
    defaultHelp: 'logfmt',
  },
  logLevel: {
    flag: '--log-level',
    env: ['AMQP_EXEC_LOG_LEVEL'],
    codec: oneOf(LOG_LEVELS),
    valueName: `<${LOG_LEVELS.join('|')}>`,
    group: 'Logging',
    help: 'Lowest level written.',
    defaultHelp: 'info',
  },
};

/** Static defaults; `prefetch` and `deadLetterQueue` derive from other settings, and a worker has none. */
export const DEFAULTS = {
  concurrency: 1,
  timeout: 30_000,
  shutdownTimeout: 30_000,
  retryExitCodes: [EX_TEMPFAIL],
  retryStatuses: [429, 503],
  maxAttempts: 5,
  retryDelay: 1000,
  retryMaxDelay: 60_000,
  declareQueue: true,
  logFormat: 'logfmt',
  logLevel: 'info',
  args: [],
} as const satisfies Partial<{ readonly [K in SettingKey]: Readonly<SettingValues[K]> }>;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
