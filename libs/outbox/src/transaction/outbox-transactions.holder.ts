import type { OutboxTransactions } from './outbox-transactions.service';

// Module scope, not DI: `@Transactional()` wraps methods at class-definition time, long
// before any injector exists, so the wrapper looks the instance up here when it runs.
// A list rather than one slot: with several Nest applications alive in one process
// (tests), closing the newer one hands the decorator back to the older one.
const registered: OutboxTransactions[] = [];

/** Where `@Transactional()` finds the `OutboxTransactions` of the running OutboxModule. */
export const outboxTransactionsHolder = {
  /** Called by OutboxTransactions at module init; the latest registered serves. */
  register(transactions: OutboxTransactions): void {
    registered.push(transactions);
  },

  /** Called at application shutdown; a no-op for an instance never registered. */
  unregister(transactions: OutboxTransactions): void {
    const index = registered.lastIndexOf(transactions);
    if (index >= 0) registered.splice(index, 1);
  },

  current(): OutboxTransactions | undefined {
    return registered.at(-1);
  },
};
