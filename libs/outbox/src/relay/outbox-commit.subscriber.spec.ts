import type { QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { OutboxCommitSubscriber } from './outbox-commit.subscriber';

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
});
