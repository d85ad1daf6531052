import { Injectable, Logger } from '@nestjs/common';
import { InboxHandler, type InboxHandlerContext, type InboxMessage } from '@courier-nest/inbox';
import { OutboxService } from '@courier-nest/outbox';
import { Shipment } from './shipment.entity';
import { StockReservation } from './stock-reservation.entity';

interface OrderCreated {
  orderId: string;
  customerId: string;
  lines: { sku: string; quantity: number }[];
}

const PICKUP_DELAY_MS = 24 * 3_600_000;

/**
 * Two handlers on one event: each has its own status, retries and dead state, so a
 * failing pickup never re-runs the stock reservation. Both are transactional: their
 * rows, their done-marks and (for the pickup) the outgoing event commit together.
 */
@Injectable()
export class OrderEventsHandlers {
  private readonly logger = new Logger(OrderEventsHandlers.name);

  constructor(private readonly outbox: OutboxService) {}

  @InboxHandler('order_events', 'reserve_stock', { transactional: true })
  async reserveStock(message: InboxMessage<OrderCreated>, { manager }: InboxHandlerContext): Promise<void> {
    if (message.type !== 'order_created') return;
    const { orderId, lines } = message.payload;
    if (await manager!.existsBy(StockReservation, { orderId })) return; // announced again: reserved already
    await manager!.insert(
      StockReservation,
      lines.map((line) => ({ orderId, sku: line.sku, quantity: line.quantity })),
    );
    this.logger.log(`Reserved ${lines.length} line(s) for order ${orderId} (message ${message.id})`);
  }

  @InboxHandler('order_events', 'schedule_pickup', { transactional: true })
  async schedulePickup(message: InboxMessage<OrderCreated>, { manager }: InboxHandlerContext): Promise<void> {
    if (message.type !== 'order_created') return;
    const { orderId } = message.payload;
    // The same order announced again under another message id: one shipment per order.
    if (await manager!.existsBy(Shipment, { orderId })) {
      this.logger.warn(
        `Order ${orderId} already has a shipment; nothing to schedule (message ${message.id})`,
      );
      return;
    }
    const shipment = await manager!.save(
      manager!.create(Shipment, { orderId, pickupAt: new Date(Date.now() + PICKUP_DELAY_MS) }),
    );
    await this.outbox.publish(manager!, {
      destination: 'shipment_events',
      type: 'shipment_created',
      key: orderId,
      payload: { orderId, shipmentId: shipment.id },
      causationId: message.id,
    });
    this.logger.log(`Scheduled shipment ${shipment.id} for order ${orderId} (message ${message.id})`);
  }
}
