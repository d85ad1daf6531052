/** Levels a user can choose with `--log-level`, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Line formats: logfmt for people and grep, JSON for log shippers. */
export const LOG_FORMATS = ['logfmt', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * What a line's `level` can say: the four levels plus `fatal`, which Nest's `Logger.fatal`
 * produces and which passes every filter. Nest's `log` is written as `info` and `verbose` as
 * `debug`, so a log shipper sees one bounded set of levels whichever API wrote the line.
 */
export type LogLabel = LogLevelName | 'fatal';

export const LEVEL_RANK: Readonly<Record<LogLabel, number>> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  fatal: 50,
};

/** Keys every line starts with; a field of the same name is written as `field_<key>`. */
export const RESERVED_KEYS = ['time', 'level', 'msg'] as const;
