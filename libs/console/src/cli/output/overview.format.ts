import type { OverviewAnswer } from '../http/console-api.types';
import { renderTable } from './table';
import { shortTime, shortened, terminalSafe } from './terminal-text';

/** `courier-console overview`: one table per component the service has. */
export function formatOverview(overview: OverviewAnswer): string {
  const sections = [`Courier at ${shortTime(overview.at)}\n`];
  sections.push(
    overview.outbox === null
      ? 'Outbox: not in this service.\n'
      : section(
          'Outbox',
          overview.outbox.destinations.length,
          renderTable(
            [
              { header: 'DESTINATION', value: (d) => d.destination },
              { header: 'PENDING', value: (d) => d.pending, align: 'right' },
              { header: 'OLDEST PENDING', value: (d) => age(d.oldestPendingAgeMs), align: 'right' },
              { header: 'DEAD', value: (d) => d.dead, align: 'right' },
            ],
            overview.outbox.destinations,
          ),
        ),
  );
  sections.push(
    overview.inbox === null
      ? 'Inbox: not in this service.\n'
      : section(
          'Inbox',
          overview.inbox.handlers.length,
          renderTable(
            [
              { header: 'EVENT TYPE', value: (h) => h.eventType },
              { header: 'HANDLER KEY', value: (h) => h.handlerKey },
              { header: 'PENDING', value: (h) => h.pending, align: 'right' },
              { header: 'RUNNING', value: (h) => h.running, align: 'right' },
              { header: 'FAILED', value: (h) => h.failedWaiting, align: 'right' },
              { header: 'DEAD', value: (h) => h.dead, align: 'right' },
            ],
            overview.inbox.handlers,
          ),
        ),
  );
  sections.push(
    overview.consumer === null
      ? 'Consumer: not in this service.\n'
      : section(
          'Consumer queues',
          overview.consumer.queues.length,
          renderTable(
            [
              { header: 'QUEUE', value: (q) => q.queue },
              { header: 'DEPTH', value: (q) => q.depth, align: 'right' },
              { header: 'CONSUMERS', value: (q) => q.consumers, align: 'right' },
              { header: 'RETRYING', value: (q) => q.retryDepth, align: 'right' },
              { header: 'DEAD', value: (q) => q.deadDepth, align: 'right' },
              { header: 'DEAD LETTER QUEUE', value: (q) => q.deadLetterQueue },
            ],
            overview.consumer.queues,
          ),
        ) + queueErrors(overview.consumer.queues),
  );
  return sections.join('\n');
}

/** A queue the broker could not answer for has no figures: say why below the table. */
function queueErrors(queues: NonNullable<OverviewAnswer['consumer']>['queues']): string {
  return queues
    .filter((q) => q.error !== undefined)
    .map((q) => `${terminalSafe(q.queue)}: the broker did not answer: ${shortened(q.error, 120)}\n`)
    .join('');
}

function section(title: string, rows: number, table: string): string {
  return rows === 0 ? `${title}: nothing yet.\n` : `${title}:\n${table}`;
}

/** 950 → "950 ms", 75_000 → "75 s", 7_200_000 → "2.0 h". */
export function age(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
