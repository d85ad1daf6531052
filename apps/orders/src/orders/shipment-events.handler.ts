import { Injectable, Logger } from '@nestjs/common';
import {
  InboxHandler,
  InboxNonRetryableError,
  type InboxHandlerContext,
  type InboxMessage,
} from '@courier/inbox';
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
    const order = await manager!.findOneBy(Order, { id: orderId });
    if (!order) throw new InboxNonRetryableError(`No order ${orderId} for shipment ${shipmentId}`);
    await manager!.update(Order, { id: orderId }, { status: 'shipped', shipmentId });
    this.logger.log(`Order ${orderId} shipped as ${shipmentId} (message ${message.id})`);
  }
}
