import type { CliCommand } from '../cli-command';
import type { ConsoleClient } from '../http/console.client';
import type { OverviewAnswer } from '../http/console-api.types';
import { formatOverview } from '../output/overview.format';
import { jsonText, type CommandOutput } from './command-output';

/** `courier-console overview`: pending, running, failed and dead counts per component. */
export async function runOverview(
  client: ConsoleClient,
  command: Extract<CliCommand, { kind: 'overview' }>,
  io: CommandOutput,
): Promise<void> {
  const overview = await client.get<OverviewAnswer>('api/overview');
  io.out(command.json ? jsonText(overview) : formatOverview(overview));
}
