import type { JourneyAnswer } from '../http/console-api.types';
import { shortTime, terminalSafe } from './terminal-text';

/** `courier-console journey <id>`: where the message is, then its steps in time order. */
export function formatJourney(journey: JourneyAnswer): string {
  const trace = journey.traceId ? `, trace ${terminalSafe(journey.traceId)}` : '';
  const lines = [`Message ${terminalSafe(journey.id)}${trace}`];
  lines.push(`  outbox:    ${outboxLine(journey.outbox)}`);
  lines.push(`  published: ${publishedLine(journey.published)}`);
  lines.push(`  inbox:     ${inboxLine(journey.inbox)}`);
  if (journey.steps.length > 0) {
    lines.push('', 'Steps:');
    for (const step of journey.steps) lines.push(`  ${shortTime(step.at)}  ${terminalSafe(step.what)}`);
  }
  return `${lines.join('\n')}\n`;
}

function outboxLine(outbox: JourneyAnswer['outbox']): string {
  if (!outbox) return "not in this service's outbox";
  const state = outbox.deadAt ? `dead after ${outbox.attempts} attempts` : 'waiting to be published';
  return `${state}, for ${terminalSafe(outbox.destination)}`;
}

function publishedLine(published: JourneyAnswer['published']): string {
  if (!published) return 'no outcome kept by this process';
  return `${terminalSafe(published.outcome)} to ${terminalSafe(published.destination)} at ${shortTime(published.at)}`;
}

function inboxLine(inbox: JourneyAnswer['inbox']): string {
  if (!inbox) return "not in this service's inbox";
  const handlers = (inbox.handlers ?? []).map(
    (h) =>
      `${terminalSafe(h.handlerKey)} ${terminalSafe(h.status)} (${terminalSafe(h.attempts)}/${terminalSafe(h.maxAttempts)})`,
  );
  return `received as ${terminalSafe(inbox.eventType)}${handlers.length > 0 ? `: ${handlers.join(', ')}` : ''}`;
}
