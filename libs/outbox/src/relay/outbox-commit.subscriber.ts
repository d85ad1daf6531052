import type {
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import type { WrittenClaim } from './written-claim';

/** What TypeORM (0.3.21 and later) tells subscribers before each query it runs. */
interface QueryStartEvent {
  queryRunner: QueryRunner;
  query: string;
}

/**
 * What one transaction published: the seqs of its due rows, the rows it wrote claimed by
 * the local relay, and when its soonest scheduled one is due.
 */
interface Published {
  seqs: string[];
  claims: Array<{ claim: WrittenClaim; depth: number }>;
  /** A savepoint not of TypeORM's making was rolled back after a claimed write: its rows may be gone. */
  rawSavepoint: boolean;
  /** performance.now() at the soonest due time of its scheduled messages; Infinity when none. */
  dueAt: number;
}

/**
 * Wakes the local relay right after a transaction that published commits, handing it
 * the rows that just became visible (their `seq`s), so it can claim exactly those by
 * primary key instead of searching the table; and tells the scheduled-message mover when
 * the soonest of its scheduled messages is due (at once if it already is: a transaction
 * may commit after the time its messages asked for). Rows written claimed by the relay
 * are handed to it at commit and given back at rollback. Registered on the DataSource by the module.
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
    const published = this.of(queryRunner);
    published.seqs.push(...seqs);
    published.dueAt = Math.min(published.dueAt, dueAt);
  }

  /**
   * True when this transaction's queries are announced to subscribers (TypeORM 0.3.21 and
   * later), so a raw savepoint rollback after a claimed write would be seen. Without that,
   * rows are not written claimed in a transaction.
   */
  followsQueries(queryRunner: QueryRunner): boolean {
    const broadcaster = queryRunner.broadcaster as unknown as Record<string, unknown> | undefined;
    return typeof broadcaster?.broadcastBeforeQueryEvent === 'function';
  }

  /** Rows the transaction wrote claimed by the local relay: handed over at commit, given back at rollback. */
  trackClaimed(queryRunner: QueryRunner, claim: WrittenClaim): void {
    this.of(queryRunner).claims.push({ claim, depth: depthOf(queryRunner) });
  }

  /**
   * A rollback to a savepoint made with raw SQL cannot be followed (TypeORM's own,
   * `typeorm_<n>`, are: see afterTransactionRollback): rows written claimed before it may
   * be gone, so at commit they are not handed over on trust. Their lease runs out and any
   * relay claims what exists.
   */
  beforeQuery(event: QueryStartEvent): void {
    const published = this.published.get(event.queryRunner);
    if (published && published.claims.length > 0 && RAW_SAVEPOINT_ROLLBACK.test(event.query))
      published.rawSavepoint = true;
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A savepoint release also reports a commit; only the outermost one makes rows visible.
    if (event.queryRunner.isTransactionActive) return;
    const published = this.published.get(event.queryRunner);
    if (!published) return;
    this.published.delete(event.queryRunner);
    for (const { claim } of published.claims) {
      if (published.rawSavepoint) claim.rolledBack();
      else claim.committed();
    }
    if (published.seqs.length > 0) this.wake(published.seqs);
    if (published.dueAt !== Number.POSITIVE_INFINITY) this.scheduleWake(published.dueAt - performance.now());
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const published = this.published.get(event.queryRunner);
    if (!published) return;
    // A savepoint rolled back (the transaction goes on): its claimed rows are gone.
    const depth = event.queryRunner.isTransactionActive ? depthOf(event.queryRunner) : 0;
    published.claims = published.claims.filter(({ claim, depth: writtenAt }) => {
      if (writtenAt <= depth) return true;
      claim.rolledBack();
      return false;
    });
    if (depth === 0) this.published.delete(event.queryRunner);
  }

  private of(queryRunner: QueryRunner): Published {
    let published = this.published.get(queryRunner);
    if (!published) {
      published = { seqs: [], claims: [], rawSavepoint: false, dueAt: Number.POSITIVE_INFINITY };
      this.published.set(queryRunner, published);
    }
    return published;
  }
}

/** ROLLBACK TO a savepoint TypeORM did not name (its own are `typeorm_<n>`). */
const RAW_SAVEPOINT_ROLLBACK = /^\s*rollback\s+((work|transaction)\s+)?to\b(?![\s\S]*\btypeorm_\d+\b)/i;

/** TypeORM's nesting level of the transaction (1: the outermost), kept in a protected field. */
function depthOf(queryRunner: QueryRunner): number {
  return (queryRunner as unknown as { transactionDepth?: number }).transactionDepth ?? 1;
}
