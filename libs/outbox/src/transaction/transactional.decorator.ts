import { UseInterceptors } from '@nestjs/common';
import { TransactionalInterceptor } from './transactional.interceptor';

/**
 * Runs a controller method (or every method of a controller) in a database
 * transaction; `outbox.publish(message)` inside it joins that transaction.
 *
 * @example
 * @Post() @Transactional()
 * async create(@Body() dto: CreateOrderDto) {
 *   const order = await this.orders.save(dto);          // uses OutboxTransactions.currentManager()
 *   await this.outbox.publish({ destination: 'order_events', type: 'order_created', payload: order });
 * }
 */
export const Transactional = (): MethodDecorator & ClassDecorator =>
  UseInterceptors(TransactionalInterceptor);
