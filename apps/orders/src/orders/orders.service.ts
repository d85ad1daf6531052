import { Injectable, NotFoundException, ConflictException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OutboxService, OutboxTransactions } from '@courier-nest/outbox';
import type { DataSource } from 'typeorm';
import type { CreateOrderDto } from './create-order.dto';
import { Order } from './order.entity';
import { OrderEvents, type OrderCreated } from './orders.events';

@Injectable()
export class OrdersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly transactions: OutboxTransactions,
  ) {}

  /** The explicit form: the order and its event commit together, or neither does. */
  create(dto: CreateOrderDto): Promise<Order> {
    return this.dataSource.transaction(async (manager) => {
      const order = await manager.save(
        manager.create(Order, { customerId: dto.customerId, lines: dto.lines }),
      );
      const event: OrderCreated = { orderId: order.id, customerId: order.customerId, lines: order.lines };
      await this.outbox.publish(manager, {
        destination: OrderEvents.exchange,
        type: OrderEvents.created,
        key: order.id,
        payload: event,
      });
      return order;
    });
  }

  /**
   * The ambient form: the controller method runs under `@Transactional()`, so the
   * current manager and `outbox.publish(message)` join that transaction.
   */
  async cancel(id: string): Promise<Order> {
    const manager = this.transactions.currentManager();
    if (!manager) throw new Error('OrdersService.cancel must run under @Transactional()');
    const order = await manager.findOne(Order, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!order) throw new NotFoundException(`No order ${id}`);
    if (order.status !== 'created')
      throw new ConflictException(`Order ${id} is ${order.status}; only a new order can be cancelled`);
    order.status = 'cancelled';
    await manager.save(order);
    await this.outbox.publish({
      destination: OrderEvents.exchange,
      type: OrderEvents.cancelled,
      key: id,
      payload: { orderId: id },
    });
    return order;
  }

  async find(id: string): Promise<Order> {
    const order = await this.dataSource.getRepository(Order).findOneBy({ id });
    if (!order) throw new NotFoundException(`No order ${id}`);
    return order;
  }
}
