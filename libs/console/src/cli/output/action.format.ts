import type { Component } from '../cli-command';
import type { ActionAnswer } from '../http/console-api.types';
import { DEAD_NOUN } from './dead-nouns';
import { counted, terminalSafe } from './terminal-text';

const VERB = {
  replay: { outbox: 'Requeued', inbox: 'Replayed', consumer: 'Requeued' },
  purge: { outbox: 'Purged', inbox: 'Purged', consumer: 'Purged' },
} as const;

/**
 * One line saying what was done, and a second naming the entries the command named that the
 * console did not act on (not dead, or gone already): those are worth a look, not an error.
 */
export function formatAction(
  action: 'replay' | 'purge',
  component: Component,
  answer: ActionAnswer,
  named: readonly string[],
): string {
  const count = answer.requeued ?? answer.replayed ?? answer.purged ?? 0;
  const [one, many] = DEAD_NOUN[component];
  const where = component === 'consumer' && action === 'replay' ? ' to their queue' : '';
  const lines = [`${VERB[action][component]} ${counted(count, one, many)}${where}.`];
  const actedOn = actedOnIds(answer);
  if (named.length > 0 && actedOn !== undefined) {
    const missed = named.filter((id) => !actedOn.has(id));
    if (missed.length > 0) {
      lines.push(
        `Not dead (already replayed or purged, or never dead): ${missed.map(terminalSafe).join(', ')}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The entries an answer lists, in the form the command line names them; undefined if it lists none. */
function actedOnIds(answer: ActionAnswer): Set<string> | undefined {
  if (answer.ids) return new Set(answer.ids.map((id) => id.toLowerCase()));
  if (answer.runs) return new Set(answer.runs.map((run) => `${run.messageId}/${run.handlerKey}`));
  if (answer.messageIds) return new Set(answer.messageIds);
  return undefined;
}
