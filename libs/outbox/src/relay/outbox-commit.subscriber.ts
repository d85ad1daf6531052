import type {
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

/**
 * Wakes the local relay right after a transaction that published commits, saving the
 * NOTIFY round trip. Registered on the DataSource by the outbox module.
 */
export class OutboxCommitSubscriber implements EntitySubscriberInterface {
  private readonly published = new WeakSet<QueryRunner>();

  constructor(private readonly wake: () => void) {}

  track(queryRunner: QueryRunner): void {
    this.published.add(queryRunner);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A savepoint release also reports a commit; only the outermost one makes rows visible.
    if (event.queryRunner.isTransactionActive) return;
    if (this.published.delete(event.queryRunner)) this.wake();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.published.delete(event.queryRunner);
  }
}
