import type {
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

/** What one transaction published: the seqs of its due rows, and when its soonest scheduled one is due. */
interface Published {
  seqs: string[];
  /** performance.now() at the soonest due time of its scheduled messages; Infinity when none. */
  dueAt: number;
}

/**
 * Wakes the local relay right after a transaction that published commits, handing it
 * the rows that just became visible (their `seq`s), so it can claim exactly those by
 * primary key instead of searching the table; and tells the scheduled-message mover when
 * the soonest of its scheduled messages is due (at once if it already is: a transaction
 * may commit after the time its messages asked for). Registered on the DataSource by the module.
 */
export class OutboxCommitSubscriber implements EntitySubscriberInterface {
  private readonly published = new WeakMap<QueryRunner, Published>();

  constructor(
    private readonly wake: (committedSeqs: string[]) => void,
    private readonly scheduleWake: (dueInMs: number) => void = () => undefined,
  ) {}

  /** `nextDueInMs`: ms from the write to the soonest due time of its scheduled messages, if any. */
  track(queryRunner: QueryRunner, seqs: readonly string[], nextDueInMs: number | null = null): void {
    const dueAt = nextDueInMs === null ? Number.POSITIVE_INFINITY : performance.now() + nextDueInMs;
    const seen = this.published.get(queryRunner);
    if (seen) {
      seen.seqs.push(...seqs);
      seen.dueAt = Math.min(seen.dueAt, dueAt);
    } else this.published.set(queryRunner, { seqs: [...seqs], dueAt });
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A savepoint release also reports a commit; only the outermost one makes rows visible.
    if (event.queryRunner.isTransactionActive) return;
    const published = this.published.get(event.queryRunner);
    if (!published) return;
    this.published.delete(event.queryRunner);
    if (published.seqs.length > 0) this.wake(published.seqs);
    if (published.dueAt !== Number.POSITIVE_INFINITY) this.scheduleWake(published.dueAt - performance.now());
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.published.delete(event.queryRunner);
  }
}
