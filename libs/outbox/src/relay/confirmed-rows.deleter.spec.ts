import type { ConfirmedRow } from '../outbox.store';
import { ConfirmedRowsDeleter } from './confirmed-rows.deleter';

const rows = (token: string, ...seqs: string[]): ConfirmedRow[] =>
  seqs.map((seq) => ({ seq, rowId: `(0,${seq})`, leaseToken: token }));

/** A store whose deletes wait until the test lets them finish; each deletes what it is told is still there. */
class HeldStore {
  readonly statements: ConfirmedRow[][] = [];
  private readonly pending: Array<() => void> = [];
  present = new Set<string>();
  failNext?: Error;

  deleteConfirmed = (batch: readonly ConfirmedRow[]): Promise<string[]> => {
    this.statements.push([...batch]);
    const error = this.failNext;
    this.failNext = undefined;
    return new Promise((resolve, reject) =>
      this.pending.push(() =>
        error
          ? reject(error)
          : resolve(batch.filter((row) => this.present.has(row.seq)).map((row) => row.seq)),
      ),
    );
  };

  finishOne(): void {
    this.pending.shift()?.();
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ConfirmedRowsDeleter', () => {
  let store: HeldStore;
  let deleter: ConfirmedRowsDeleter;

  beforeEach(() => {
    store = new HeldStore();
    deleter = new ConfirmedRowsDeleter(store);
  });

  it('sends the first delete at once and the ones that arrive meanwhile together in one statement', async () => {
    store.present = new Set(['1', '2', '3', '4']);
    const first = deleter.delete(rows('10', '1'));
    const second = deleter.delete(rows('11', '2', '3'));
    const third = deleter.delete(rows('12', '4'));
    expect(store.statements).toEqual([rows('10', '1')]);
    store.finishOne();
    expect(await first).toBe(1);
    await flush();
    expect(store.statements).toEqual([rows('10', '1'), [...rows('11', '2', '3'), ...rows('12', '4')]]);
    store.finishOne();
    expect([await second, await third]).toEqual([2, 1]);
  });

  it('gives each caller the count of its own rows deleted (rows another relay re-claimed stay)', async () => {
    store.present = new Set(['1']);
    const done = deleter.delete([...rows('10', '1'), ...rows('10', '2')]);
    store.finishOne();
    expect(await done).toBe(1);
  });

  it('rejects every caller of a statement that failed, and goes on with later ones', async () => {
    store.present = new Set(['1', '2', '3', '4']);
    const first = deleter.delete(rows('10', '1'));
    store.failNext = new Error('connection lost'); // the next statement fails
    const second = deleter.delete(rows('11', '2'));
    const third = deleter.delete(rows('12', '3'));
    store.finishOne();
    expect(await first).toBe(1);
    await flush();
    store.finishOne();
    await expect(second).rejects.toThrow('connection lost');
    await expect(third).rejects.toThrow('connection lost');
    const later = deleter.delete(rows('13', '4'));
    store.finishOne();
    expect(await later).toBe(1);
  });

  it('deletes a large batch on its own statement at once, beside one in flight', async () => {
    const large = Array.from({ length: 100 }, (_, i) => String(i + 10));
    store.present = new Set(['1', ...large]);
    const small = deleter.delete(rows('10', '1'));
    const drained = deleter.delete(rows('11', ...large));
    expect(store.statements).toEqual([rows('10', '1'), rows('11', ...large)]);
    store.finishOne();
    store.finishOne();
    expect([await small, await drained]).toEqual([1, 100]);
  });

  it('resolves an empty delete at once without a statement', async () => {
    expect(await deleter.delete([])).toBe(0);
    expect(store.statements).toEqual([]);
  });
});
