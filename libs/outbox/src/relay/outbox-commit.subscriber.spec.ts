import type { QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { OutboxCommitSubscriber } from './outbox-commit.subscriber';
import type { WrittenClaim } from './written-claim';

const runner = (active = false) => ({ isTransactionActive: active }) as QueryRunner;
const commit = (queryRunner: QueryRunner) => ({ queryRunner }) as TransactionCommitEvent;

describe('OutboxCommitSubscriber', () => {
  let woken: string[][];
  let scheduled: number[];
  let subscriber: OutboxCommitSubscriber;

  beforeEach(() => {
    jest.useFakeTimers();
    woken = [];
    scheduled = [];
    subscriber = new OutboxCommitSubscriber(
      (seqs) => woken.push(seqs),
      (dueInMs) => scheduled.push(dueInMs),
    );
  });

  afterEach(() => jest.useRealTimers());

  it('hands the relay the seqs of a committed transaction, once, after the outermost commit', () => {
    const queryRunner = runner(true);
    subscriber.track(queryRunner, ['1', '2']);
    subscriber.track(queryRunner, ['3']);
    subscriber.afterTransactionCommit(commit(queryRunner)); // a savepoint release: still active
    expect(woken).toEqual([]);
    (queryRunner as { isTransactionActive: boolean }).isTransactionActive = false;
    subscriber.afterTransactionCommit(commit(queryRunner));
    subscriber.afterTransactionCommit(commit(queryRunner));
    expect(woken).toEqual([['1', '2', '3']]);
    expect(scheduled).toEqual([]);
  });

  it('tells the mover when the soonest scheduled message is due, less the time the transaction stayed open', () => {
    const queryRunner = runner();
    subscriber.track(queryRunner, [], 900);
    jest.advanceTimersByTime(300);
    subscriber.track(queryRunner, [], 800);
    jest.advanceTimersByTime(200);
    subscriber.afterTransactionCommit(commit(queryRunner));
    // Only scheduled messages: no relay wake; the soonest (900 ms after the first write) is 400 ms away.
    expect(woken).toEqual([]);
    expect(scheduled).toEqual([400]);
  });

  it('says a message is due at once when its transaction commits after its time', () => {
    const queryRunner = runner();
    subscriber.track(queryRunner, ['7'], 50);
    jest.advanceTimersByTime(400);
    subscriber.afterTransactionCommit(commit(queryRunner));
    expect(woken).toEqual([['7']]);
    expect(scheduled).toEqual([-350]);
  });

  it('forgets a rolled-back transaction', () => {
    const queryRunner = runner();
    subscriber.track(queryRunner, ['1'], 100);
    subscriber.afterTransactionRollback({ queryRunner } as TransactionRollbackEvent);
    subscriber.afterTransactionCommit(commit(queryRunner));
    expect(woken).toEqual([]);
    expect(scheduled).toEqual([]);
  });

  describe('rows written claimed by the local relay', () => {
    /** A transaction at TypeORM nesting `depth` (1: outermost), as the subscriber reads it. */
    const nested = (depth: number) =>
      ({ isTransactionActive: true, transactionDepth: depth }) as unknown as QueryRunner;
    const setDepth = (queryRunner: QueryRunner, depth: number) => {
      Object.assign(queryRunner, { transactionDepth: depth, isTransactionActive: depth > 0 });
    };
    const claim = () => {
      const events: string[] = [];
      const written = {
        committed: () => events.push('committed'),
        rolledBack: () => events.push('rolledBack'),
      } as unknown as WrittenClaim;
      return { written, events };
    };

    it('hands them to the relay at the outermost commit, not at a savepoint release', () => {
      const queryRunner = nested(1);
      const { written, events } = claim();
      subscriber.trackClaimed(queryRunner, written);
      subscriber.afterTransactionCommit(commit(nested(2))); // another transaction: nothing
      setDepth(queryRunner, 2);
      subscriber.afterTransactionCommit(commit(queryRunner)); // savepoint release: still active
      expect(events).toEqual([]);
      setDepth(queryRunner, 0);
      subscriber.afterTransactionCommit(commit(queryRunner));
      expect(events).toEqual(['committed']);
    });

    it('gives them back when the transaction rolls back', () => {
      const queryRunner = nested(1);
      const { written, events } = claim();
      subscriber.trackClaimed(queryRunner, written);
      setDepth(queryRunner, 0);
      subscriber.afterTransactionRollback({ queryRunner } as TransactionRollbackEvent);
      subscriber.afterTransactionCommit(commit(queryRunner));
      expect(events).toEqual(['rolledBack']);
    });

    it('gives back only those written inside a savepoint that rolled back; the others go at commit', () => {
      const queryRunner = nested(1);
      const outer = claim();
      const inner = claim();
      subscriber.trackClaimed(queryRunner, outer.written);
      setDepth(queryRunner, 2);
      subscriber.trackClaimed(queryRunner, inner.written);
      setDepth(queryRunner, 1); // ROLLBACK TO SAVEPOINT typeorm_1, then the event
      subscriber.afterTransactionRollback({ queryRunner } as TransactionRollbackEvent);
      expect(inner.events).toEqual(['rolledBack']);
      setDepth(queryRunner, 0);
      subscriber.afterTransactionCommit(commit(queryRunner));
      expect(outer.events).toEqual(['committed']);
      expect(inner.events).toEqual(['rolledBack']);
    });

    it.each(['ROLLBACK TO SAVEPOINT mine', 'rollback to mine', 'ROLLBACK TRANSACTION TO SAVEPOINT mine'])(
      'does not trust them at commit after a raw %j (their rows may be gone)',
      (query) => {
        const queryRunner = nested(1);
        const { written, events } = claim();
        subscriber.trackClaimed(queryRunner, written);
        subscriber.beforeQuery({ queryRunner, query } as Parameters<
          OutboxCommitSubscriber['beforeQuery']
        >[0]);
        setDepth(queryRunner, 0);
        subscriber.afterTransactionCommit(commit(queryRunner));
        expect(events).toEqual(['rolledBack']);
      },
    );

    it('follows only transactions whose queries TypeORM announces (0.3.21 and later)', () => {
      const announcing = {
        broadcaster: { broadcastBeforeQueryEvent: () => undefined },
      } as unknown as QueryRunner;
      const silent = { broadcaster: {} } as unknown as QueryRunner;
      expect(subscriber.followsQueries(announcing)).toBe(true);
      expect(subscriber.followsQueries(silent)).toBe(false);
    });

    it("trusts them after TypeORM's own savepoints and other statements", () => {
      const queryRunner = nested(1);
      const { written, events } = claim();
      subscriber.trackClaimed(queryRunner, written);
      for (const query of [
        'SAVEPOINT typeorm_1',
        'ROLLBACK TO SAVEPOINT typeorm_1',
        'SELECT 1',
        'ROLLBACK',
      ]) {
        subscriber.beforeQuery({ queryRunner, query } as Parameters<
          OutboxCommitSubscriber['beforeQuery']
        >[0]);
      }
      setDepth(queryRunner, 0);
      subscriber.afterTransactionCommit(commit(queryRunner));
      expect(events).toEqual(['committed']);
    });
  });
});
