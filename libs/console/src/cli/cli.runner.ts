import type { CliCommand } from './cli-command';
import { parseCommandLine } from './cli.args';
import { usage } from './cli.usage';
import type { CommandOutput } from './commands/command-output';
import { runDeadAction } from './commands/dead-action.command';
import { runDeadList } from './commands/dead-list.command';
import { runJourney } from './commands/journey.command';
import { runOverview } from './commands/overview.command';
import { CliUsageError } from './errors';
import { ConsoleClient } from './http/console.client';
import { describeError } from './output/error.format';
import { scrubSecrets, secretsOf } from './output/secret.scrubber';

export interface CliEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly io: CommandOutput;
  /** How long one HTTP call may take. @default 30000 */
  readonly timeoutMs?: number;
}

/**
 * Runs `courier-console` with its arguments and resolves to the exit code: 0 done, 1 the
 * console refused or failed or nothing answered, 2 a usage error. Whatever it writes passes
 * the secret scrubber first: no token or password reaches stdout or stderr.
 */
export async function runCourierConsole(
  argv: readonly string[],
  { env, io, timeoutMs }: CliEnvironment,
): Promise<number> {
  const secrets = secretsOf(argv, env);
  const safe: CommandOutput = {
    out: (text) => io.out(scrubSecrets(text, secrets)),
    err: (text) => io.err(scrubSecrets(text, secrets)),
  };
  let command: CliCommand;
  try {
    command = parseCommandLine(argv, env);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    safe.err(`courier-console: ${error.message}\nSee courier-console ${helpHint(argv)}--help.\n`);
    return 2;
  }
  if (command.kind === 'help') {
    safe.out(usage(command.topic));
    return 0;
  }
  const client = new ConsoleClient(command.connection, timeoutMs);
  try {
    if (command.kind === 'overview') await runOverview(client, command, safe);
    else if (command.kind === 'dead list') await runDeadList(client, command, safe);
    else if (command.kind === 'journey') await runJourney(client, command, safe);
    else await runDeadAction(client, command, safe);
    return 0;
  } catch (error) {
    safe.err(`courier-console: ${describeError(error)}\n`);
    return 1;
  }
}

/** "dead list " for `courier-console dead list inbox --bad`: help for the command the user was writing. */
function helpHint(argv: readonly string[]): string {
  const first = argv.find((arg) => !arg.startsWith('-'));
  if (first === 'dead') return 'dead list ';
  return ['overview', 'replay', 'purge', 'journey'].includes(first ?? '') ? `${first} ` : '';
}
