import type {
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

/**
 * Wakes the local relay right after a transaction that published commits, handing it
 * the rows that just became visible (their `seq`s), so it can claim exactly those by
 * primary key instead of searching the table. Registered on the DataSource by the module.
 */
export class OutboxCommitSubscriber implements EntitySubscriberInterface {
  private readonly published = new WeakMap<QueryRunner, string[]>();

  constructor(private readonly wake: (committedSeqs: string[]) => void) {}

  track(queryRunner: QueryRunner, seqs: readonly string[]): void {
    const seen = this.published.get(queryRunner);
    if (seen) seen.push(...seqs);
    else this.published.set(queryRunner, [...seqs]);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A savepoint release also reports a commit; only the outermost one makes rows visible.
    if (event.queryRunner.isTransactionActive) return;
    const seqs = this.published.get(event.queryRunner);
    if (!seqs) return;
    this.published.delete(event.queryRunner);
    this.wake(seqs);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.published.delete(event.queryRunner);
  }
}
