import type { CliCommand } from '../cli-command';
import type { ConsoleClient } from '../http/console.client';
import type { JourneyAnswer } from '../http/console-api.types';
import { formatJourney } from '../output/journey.format';
import { jsonText, type CommandOutput } from './command-output';

/** `courier-console journey <id>`: what this service knows of one message. */
export async function runJourney(
  client: ConsoleClient,
  command: Extract<CliCommand, { kind: 'journey' }>,
  io: CommandOutput,
): Promise<void> {
  const journey = await client.get<JourneyAnswer>(`api/messages/${encodeURIComponent(command.id)}`);
  io.out(command.json ? jsonText(journey) : formatJourney(journey));
}
