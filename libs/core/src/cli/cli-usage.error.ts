/** Bad input to a command line tool: printed with a pointer to --help, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
