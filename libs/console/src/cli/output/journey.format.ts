import type { JourneyAnswer } from '../http/console-api.types';
import { shortTime, terminalSafe } from './terminal-text';

/** `courier-console journey <id>`: where the message is, then its steps in time order. */
export function formatJourney(journey: JourneyAnswer): string {
  const lines = [
    `Message ${terminalSafe(journey.id)}${journey.traceId ? `, trace ${terminalSafe(journey.traceId)}` : ''}`,
  ];
  lines.push(`  outbox:    ${journey.outbox ? "in this service's outbox" : "not in this service's outbox"}`);
  lines.push(
    `  published: ${
      journey.published
        ? `${terminalSafe(journey.published.outcome)} to ${terminalSafe(journey.published.destination)} at ${shortTime(journey.published.at)}`
        : 'no outcome recorded by this process'
    }`,
  );
  lines.push(`  inbox:     ${journey.inbox ? "in this service's inbox" : "not in this service's inbox"}`);
  if (journey.steps.length === 0) {
    lines.push('', 'This service knows nothing of this message.');
  } else {
    lines.push('', 'Steps:');
    for (const step of journey.steps) lines.push(`  ${shortTime(step.at)}  ${terminalSafe(step.what)}`);
  }
  return `${lines.join('\n')}\n`;
}
