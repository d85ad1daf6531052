/** The console API's answers, as far as the tests read them (docs/console.md). */
export interface OverviewBody {
  outbox: {
    destinations: Array<{ destination: string; pending: number; oldestPendingAgeMs: number; dead: number }>;
  };
  inbox: {
    handlers: Array<{
      eventType: string;
      handlerKey: string;
      pending: number;
      running: number;
      failedWaiting: number;
      dead: number;
    }>;
  };
  consumer: {
    queues: Array<{
      queue: string;
      depth: number;
      consumers: number;
      retryDepth: number;
      deadLetterQueue: string;
      deadDepth: number;
    }>;
  };
}

export interface PageBody<T> {
  items: T[];
  nextCursor?: string | null;
  total?: number;
  nextOffset?: number | null;
}

export interface JourneyBody {
  id: string;
  traceId: string | null;
  outbox: { state: string; attempts: number } | null;
  published: { destination: string; outcome: string } | null;
  inbox: { handlers: Array<{ handlerKey: string; status: string; attempts: number }> } | null;
  steps: Array<{ at: string; what: string }>;
}

export const outboxDeadOf = (o: OverviewBody, destination: string) =>
  o.outbox.destinations.find((d) => d.destination === destination)?.dead;
export const inboxDeadOf = (o: OverviewBody, handlerKey: string) =>
  o.inbox.handlers.find((h) => h.handlerKey === handlerKey)?.dead;
export const queueOf = (o: OverviewBody, queue: string) => o.consumer.queues.find((q) => q.queue === queue);
