import type { InboxMessageRecord } from '@courier-nest/inbox';
import type { OutboxMessageRecord } from '@courier-nest/outbox';
import type { PublishOutcome } from './publish-outcomes';
import { traceIdOf } from './trace-id';

export interface JourneyStep {
  at: Date;
  what: string;
}

export interface MessageJourney {
  id: string;
  traceId: string | null;
  outbox: OutboxMessageRecord | null;
  published: PublishOutcome | null;
  inbox: InboxMessageRecord | null;
  steps: JourneyStep[];
}

/** What this service knows of one message, as one time-ordered story. */
export function messageJourney(
  id: string,
  outbox: OutboxMessageRecord | null,
  published: PublishOutcome | null,
  inbox: InboxMessageRecord | null,
): MessageJourney {
  const steps: JourneyStep[] = [];
  if (outbox) {
    steps.push({
      at: outbox.createdAt,
      what: `written to the outbox for "${outbox.destination}" (${outbox.type})`,
    });
    if (outbox.state === 'scheduled' && outbox.availableAt) {
      steps.push({ at: outbox.availableAt, what: 'scheduled: to be published from then on' });
    } else if (outbox.deadAt) {
      steps.push({
        at: outbox.deadAt,
        what: `dead in the outbox after ${outbox.attempts} attempts: ${outbox.lastError ?? 'no error recorded'}`,
      });
    } else if (outbox.attempts > 0) {
      steps.push({
        at: outbox.availableAt ?? outbox.createdAt,
        what: `publish attempt ${outbox.attempts} failed, next try then: ${outbox.lastError ?? ''}`,
      });
    }
  }
  if (published) {
    const detail = published.error ? `: ${published.error}` : '';
    steps.push({
      at: published.at,
      what: `relay outcome for "${published.destination}": ${published.outcome}${detail}`,
    });
  }
  if (inbox) {
    steps.push({
      at: inbox.receivedAt,
      what: `received into the inbox as "${inbox.eventType}"${inbox.messageType ? ` (${inbox.messageType})` : ''}`,
    });
    for (const h of inbox.handlers) {
      const error = h.lastError ? `: ${h.lastError}` : '';
      steps.push({
        at: h.updatedAt,
        what: `handler "${h.handlerKey}" ${h.status} after ${h.attempts} of ${h.maxAttempts} attempts${error}`,
      });
    }
  }
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  const traceparent = outbox?.traceparent ?? inbox?.headers?.traceparent ?? null;
  return { id, traceId: traceIdOf(traceparent), outbox, published, inbox, steps };
}
