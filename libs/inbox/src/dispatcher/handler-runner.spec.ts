import { JsonCodec } from '@courier-nest/core';
import type { DataSource } from 'typeorm';
import type { RegisteredHandler } from '../inbox.registry';
import type { ClaimedWork, InboxStore } from '../inbox.store';
import type { InboxMessage } from '../interfaces/inbox-message.interface';
import { HandlerRunner } from './handler-runner';

const receivedAt = new Date('2026-11-22T10:00:00Z');

describe('HandlerRunner, the payload a handler gets', () => {
  const runner = new HandlerRunner({} as InboxStore, {} as DataSource, new JsonCodec());
  const work = (decodedPayload?: unknown): ClaimedWork => ({
    messageId: 'm-1',
    handlerKey: 'bill',
    rowId: '(0,1)',
    attempt: 1,
    leaseToken: '7',
    eventType: 'order_events',
    type: null,
    payload: '{"orderId":"o-1"}',
    decodedPayload,
    headers: {},
    occurredAt: null,
    receivedAt,
  });
  const recording = (seen: unknown[]): RegisteredHandler => ({
    eventType: 'order_events',
    handlerKey: 'bill',
    options: {},
    source: 'Billing.bill',
    handle: (message: InboxMessage) => void seen.push(message.payload),
  });

  it('is the decoded payload the work carries, not a second decode', async () => {
    const seen: unknown[] = [];
    const decoded = { orderId: 'o-1' };
    await expect(runner.run(work(decoded), recording(seen), 1_000)).resolves.toMatchObject({
      outcome: 'done',
    });
    expect(seen[0]).toBe(decoded);
  });

  it('is decoded from the stored text when the work carries none', async () => {
    const seen: unknown[] = [];
    await runner.run(work(), recording(seen), 1_000);
    expect(seen).toEqual([{ orderId: 'o-1' }]);
  });
});
