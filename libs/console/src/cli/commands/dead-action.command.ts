import type { CliCommand, Component } from '../cli-command';
import type { ConsoleClient } from '../http/console.client';
import type { ActionAnswer } from '../http/console-api.types';
import { formatAction } from '../output/action.format';
import { jsonText, type CommandOutput } from './command-output';

const PATHS: Record<'replay' | 'purge', Record<Component, string>> = {
  replay: {
    outbox: 'api/outbox/dead/requeue',
    inbox: 'api/inbox/dead/replay',
    consumer: 'api/consumer/dead/requeue',
  },
  purge: {
    outbox: 'api/outbox/dead/purge',
    inbox: 'api/inbox/dead/purge',
    consumer: 'api/consumer/dead/purge',
  },
};

/** `courier-console replay|purge <component> …`: one POST, then what it did. */
export async function runDeadAction(
  client: ConsoleClient,
  command: Extract<CliCommand, { kind: 'replay' | 'purge' }>,
  io: CommandOutput,
): Promise<void> {
  const answer = await client.post<ActionAnswer>(PATHS[command.kind][command.component], command.body);
  io.out(
    command.json ? jsonText(answer) : formatAction(command.kind, command.component, answer, command.named),
  );
}
