import type { LoggerService } from '@nestjs/common';
import { InvalidMessageError, MessageLogContext, type MessageLogFields } from '@courier-nest/core';
import type { IncomingMessage, InboxFeed } from '@courier-nest/core';
import { InboxStoreBatcher } from './inbox-store.batcher';

const quiet: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined };
const incoming = (id: string): IncomingMessage => ({ id, eventType: 'order_events', payload: {} });
const options = { retryDelayMs: 100, minBatchBesideARunningStore: 1 };

/** An inbox whose stores end when the test says so; it records each store's ids. */
function heldInbox() {
  const stores: Array<{ ids: string[]; commit: () => void }> = [];
  const inbox = {
    receiveMany: (messages: IncomingMessage[]) =>
      new Promise((resolve) => {
        const ids = messages.map((m) => m.id);
        stores.push({ ids, commit: () => resolve(ids.map((id) => ({ id, duplicate: false }))) });
      }),
  } as unknown as InboxFeed;
  return { inbox, stores };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('InboxStoreBatcher', () => {
  beforeAll(() => MessageLogContext.current()); // record, as a logger's mixin would

  it('stores a batch outside the log fields of the delivery that triggered it', async () => {
    const seen: Array<MessageLogFields | undefined> = [];
    const inbox = {
      receiveMany: async (messages: IncomingMessage[]) => {
        seen.push(MessageLogContext.current());
        return messages.map((m) => ({ id: m.id, duplicate: false }));
      },
    } as unknown as InboxFeed;
    const batcher = new InboxStoreBatcher(inbox, options, quiet);
    const stored = ['a', 'b'].map((id) =>
      MessageLogContext.run({ messageId: id, queue: 'q' }, () => batcher.store(incoming(id))),
    );
    await expect(Promise.all(stored)).resolves.toEqual([{ kind: 'ack' }, { kind: 'ack' }]);
    expect(seen).toEqual([undefined]); // one INSERT for both, in nobody's fields
  });

  it('starts a store beside a running one only for a batch of minBatchBesideARunningStore', async () => {
    const { inbox, stores } = heldInbox();
    const batcher = new InboxStoreBatcher(inbox, { ...options, minBatchBesideARunningStore: 3 }, quiet);
    const acked: string[] = [];
    const store = (id: string) => void batcher.store(incoming(id)).then(() => acked.push(id));

    store('a'); // nothing runs: stored at once, alone
    await nextTurn();
    store('b');
    store('c');
    await nextTurn();
    expect(stores.map((s) => s.ids)).toEqual([['a']]); // two wait: too few beside a running store

    store('d'); // three wait: worth a store of their own
    await nextTurn();
    expect(stores.map((s) => s.ids)).toEqual([['a'], ['b', 'c', 'd']]);

    store('e');
    await nextTurn();
    stores[1].commit(); // 'a' still runs: 'e' alone waits on
    await nextTurn();
    expect(stores).toHaveLength(2);
    stores[0].commit(); // no store runs: what waits goes, whatever its size
    await nextTurn();
    expect(stores.map((s) => s.ids)).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    stores[2].commit();
    await nextTurn();
    expect(acked.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it("logs a failed store outside any one delivery's fields", async () => {
    const lines: Array<MessageLogFields | undefined> = [];
    const logger: LoggerService = { ...quiet, error: () => void lines.push(MessageLogContext.current()) };
    const inbox = {
      receiveMany: async () => Promise.reject(new Error('db down')),
    } as unknown as InboxFeed;
    const batcher = new InboxStoreBatcher(inbox, { ...options, retryDelayMs: 1 }, logger);
    const outcome = await MessageLogContext.run({ messageId: 'a', queue: 'q' }, () =>
      batcher.store(incoming('a')),
    );
    expect(outcome).toMatchObject({ kind: 'release' });
    expect(lines).toEqual([undefined]);
  });

  describe('a batch refused for what one message holds', () => {
    /** An inbox that refuses, as a whole, every batch holding a "bad" id; it records what it stored. */
    function refusingInbox(refusal: () => Error) {
      const stored: string[][] = [];
      const inbox = {
        receiveMany: async (messages: IncomingMessage[]) => {
          const ids = messages.map((m) => m.id);
          if (ids.some((id) => id.startsWith('bad'))) throw refusal();
          stored.push(ids);
          return ids.map((id) => ({ id, duplicate: false }));
        },
      } as unknown as InboxFeed;
      return { inbox, stored };
    }

    it.each<[string, () => Error]>([
      [
        "by the inbox's own checks",
        () => new InvalidMessageError('payload.s', 'Message payload.s contains a NUL'),
      ],
      [
        'by PostgreSQL (a data exception, SQLSTATE 22…)',
        () => Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }),
      ],
    ])(
      'stores the others and dead-letters the refused ones with the reason, refused %s',
      async (_by, refusal) => {
        const { inbox, stored } = refusingInbox(refusal);
        const batcher = new InboxStoreBatcher(inbox, options, quiet);
        const ids = ['a', 'bad-1', 'b', 'c', 'bad-2'];
        const outcomes = await Promise.all(ids.map((id) => batcher.store(incoming(id))));

        expect(Object.fromEntries(ids.map((id, i) => [id, outcomes[i].kind]))).toEqual({
          a: 'ack',
          'bad-1': 'reject',
          b: 'ack',
          c: 'ack',
          'bad-2': 'reject',
        });
        expect(outcomes[1]).toEqual({
          kind: 'reject',
          reason: `the inbox cannot store it: ${refusal().message}`,
        });
        expect(stored.flat().sort()).toEqual(['a', 'b', 'c']);
      },
    );

    it('gives the deliveries back, not dead-lettered, when the failure is not about a message', async () => {
      const { inbox } = refusingInbox(() =>
        Object.assign(new Error('connection terminated'), { code: '57P01' }),
      );
      const batcher = new InboxStoreBatcher(inbox, { ...options, retryDelayMs: 1 }, quiet);
      const outcomes = await Promise.all(['a', 'bad'].map((id) => batcher.store(incoming(id))));
      expect(outcomes.map((o) => o.kind)).toEqual(['release', 'release']);
    });
  });
});
