import type { LoggerService } from '@nestjs/common';
import { MessageLogContext, type MessageLogFields } from '@courier/core';
import type { IncomingMessage, InboxService } from '@courier/inbox';
import { InboxStoreBatcher } from './inbox-store.batcher';

const quiet: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined };
const incoming = (id: string): IncomingMessage => ({ id, eventType: 'order_events', payload: {} });

describe('InboxStoreBatcher', () => {
  beforeAll(() => MessageLogContext.current()); // record, as a logger's mixin would

  it('stores a batch outside the log fields of the delivery that triggered it', async () => {
    const seen: Array<MessageLogFields | undefined> = [];
    const inbox = {
      receiveMany: async (messages: IncomingMessage[]) => {
        seen.push(MessageLogContext.current());
        return messages.map((m) => ({ id: m.id, duplicate: false }));
      },
    } as unknown as InboxService;
    const batcher = new InboxStoreBatcher(inbox, 100, quiet);
    const stored = ['a', 'b'].map((id) =>
      MessageLogContext.run({ messageId: id, queue: 'q' }, () => batcher.store(incoming(id))),
    );
    await expect(Promise.all(stored)).resolves.toEqual([{ kind: 'ack' }, { kind: 'ack' }]);
    expect(seen).toEqual([undefined]); // one INSERT for both, in nobody's fields
  });

  it("logs a failed store outside any one delivery's fields", async () => {
    const lines: Array<MessageLogFields | undefined> = [];
    const logger: LoggerService = { ...quiet, error: () => void lines.push(MessageLogContext.current()) };
    const inbox = {
      receiveMany: async () => Promise.reject(new Error('db down')),
    } as unknown as InboxService;
    const batcher = new InboxStoreBatcher(inbox, 1, logger);
    const outcome = await MessageLogContext.run({ messageId: 'a', queue: 'q' }, () =>
      batcher.store(incoming('a')),
    );
    expect(outcome).toMatchObject({ kind: 'release' });
    expect(lines).toEqual([undefined]);
  });
});
