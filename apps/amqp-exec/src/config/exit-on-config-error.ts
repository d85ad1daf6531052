import { ConfigError } from './errors/config.error';

/** What `runOrExit2` needs from the process; injectable for tests. */
export interface ExitIo {
  readonly stderr: { write(chunk: string): unknown };
  readonly exit: (code: number) => never;
}

/** Exit status for a refused configuration, as in most Unix tools' "usage error". */
export const CONFIG_ERROR_EXIT_CODE = 2;

/**
 * For the CLI entry: runs `fn` (typically `() => loadConfig(...)`); on a ConfigError prints
 * `amqp-exec: <message>` to stderr and exits with status 2. Any other error is a bug, not a
 * usage problem, and is rethrown for the default crash report. Keeps `loadConfig` pure.
 *
 * @example const result = runOrExit2(() => loadConfig({ argv: process.argv.slice(2), env: process.env }));
 */
export function runOrExit2<T>(
  fn: () => T,
  io: ExitIo = { stderr: process.stderr, exit: (code) => process.exit(code) },
): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`amqp-exec: ${error.message}\n`);
    return io.exit(CONFIG_ERROR_EXIT_CODE);
  }
}
