import type { OutgoingMessage } from '@courier-nest/core';

/** What a `CourierRecord` may set on the outbox message besides its destination and payload. */
export type CourierRecordOptions = Partial<Omit<OutgoingMessage, 'destination' | 'payload'>>;

/**
 * Wraps the data of `CourierClientProxy.emit` to set the message's type, key, id, headers or
 * schedule (`deliverAt` / `delayMs`, see docs/outbox.md#scheduled-delivery); without it the
 * type is the pattern and the rest takes the outbox defaults.
 *
 * @example
 * client.emit('order_events', new CourierRecord(order, { type: 'order_created', key: order.id }))
 * client.emit('order_events', new CourierRecord({ orderId }, { type: 'payment_due', delayMs: 15 * 60_000 }))
 */
export class CourierRecord<TData = unknown> {
  constructor(
    readonly data: TData,
    readonly options: CourierRecordOptions = {},
  ) {}
}
