import { Injectable, Logger } from '@nestjs/common';
import {
  InboxHandler,
  InboxNonRetryableError,
  type InboxHandlerContext,
  type InboxMessage,
} from '@courier-nest/inbox';
import { Order } from './order.entity';
import { ShipmentEvents, type ShipmentCreated } from './orders.events';

@Injectable()
export class ShipmentEventsHandler {
  private readonly logger = new Logger(ShipmentEventsHandler.name);

  /** Transactional: the order update and the inbox's done-mark commit together (exactly once). */
  @InboxHandler(ShipmentEvents.exchange, 'mark_shipped', { transactional: true })
  async markShipped(message: InboxMessage<ShipmentCreated>, { manager }: InboxHandlerContext): Promise<void> {
    if (message.type !== ShipmentEvents.created) return;
    const { orderId, shipmentId } = message.payload;
    const order = await manager!.findOne(Order, {
      where: { id: orderId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!order) throw new InboxNonRetryableError(`No order ${orderId} for shipment ${shipmentId}`);
    if (order.status !== 'created') {
      // Cancelled while shipping was scheduling the pickup: a late event must not revive it.
      this.logger.warn(
        `Order ${orderId} is ${order.status}; shipment ${shipmentId} is not applied (message ${message.id})`,
      );
      return;
    }
    await manager!.update(Order, { id: orderId }, { status: 'shipped', shipmentId });
    this.logger.log(`Order ${orderId} shipped as ${shipmentId} (message ${message.id})`);
  }
}
