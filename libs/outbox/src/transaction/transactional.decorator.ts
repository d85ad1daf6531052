import { isObservable, lastValueFrom } from 'rxjs';
import { OutboxConfigurationError } from '../errors/outbox-configuration.error';
import { OutboxNotInitializedError } from '../errors/outbox-not-initialized.error';
import { OutboxMessages } from '../outbox.messages';
import { copyMethodMetadata } from './method-metadata.util';
import { outboxTransactionsHolder } from './outbox-transactions.holder';

type AnyMethod = (...args: unknown[]) => unknown;

// Marks a wrapper, so a method decorated on its own and through its class is wrapped once.
const TRANSACTIONAL = Symbol.for('courier:transactional');

/**
 * Runs the method (or every method of the class) in a database transaction on the
 * outbox's DataSource, through `OutboxTransactions.run`: `outbox.publish(message)` and
 * writes through `OutboxTransactions.currentManager()` inside it join that transaction.
 * Works on any provider (services, handlers) and on controllers; no injection needed.
 *
 * - A `@Transactional()` method called inside another (or inside `run`) joins the outer
 *   transaction; there is no savepoint. A throw anywhere rolls back everything.
 * - The method then returns a Promise of its result; it commits before that Promise
 *   resolves. An Observable result is run to its last value inside the transaction.
 * - Other decorators' metadata (`@Post()`, `SetMetadata`, `@InboxHandler`, `@EventPattern`)
 *   stays on the method, in either decorator order.
 * - Called while no OutboxModule is initialised, it rejects with
 *   `OutboxNotInitializedError` and does not run the method.
 *
 * @example
 * @Injectable()
 * export class OrdersService {
 *   constructor(private readonly tx: OutboxTransactions, private readonly outbox: OutboxService) {}
 *
 *   @Transactional()
 *   async create(dto: CreateOrderDto): Promise<Order> {
 *     const order = await this.tx.currentManager()!.save(Order, dto);
 *     await this.outbox.publish({ destination: 'order_events', type: 'order_created', payload: { orderId: order.id } });
 *     return order;
 *   }
 * }
 */
export function Transactional(): MethodDecorator & ClassDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor === undefined) {
      wrapEveryMethod(target as abstract new (...args: never[]) => unknown);
      return;
    }
    const owner = typeof target === 'function' ? target.name : target.constructor.name;
    const source = `${owner}.${String(key)}`;
    if (typeof descriptor.value !== 'function') {
      throw new OutboxConfigurationError(OutboxMessages.transactionalNotAMethod(source));
    }
    descriptor.value = transactional(descriptor.value, source);
    return descriptor;
  }) as MethodDecorator & ClassDecorator;
}

/** The class form: own prototype methods only; accessors and inherited methods are left alone. */
function wrapEveryMethod(type: abstract new (...args: never[]) => unknown): void {
  const prototype = type.prototype as object;
  for (const key of Reflect.ownKeys(prototype)) {
    if (key === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (typeof descriptor?.value !== 'function') continue;
    descriptor.value = transactional(descriptor.value, `${type.name}.${String(key)}`);
    Object.defineProperty(prototype, key, descriptor);
  }
}

function transactional(original: AnyMethod, source: string): AnyMethod {
  if (TRANSACTIONAL in original) return original;
  const wrapper = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const transactions = outboxTransactionsHolder.current();
    if (!transactions) return Promise.reject(new OutboxNotInitializedError(source));
    return transactions.run(async () => {
      const result = original.apply(this, args);
      // The work of an Observable happens on subscribe: it must finish before the commit.
      return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
    });
  };
  Object.defineProperty(wrapper, 'name', { value: original.name });
  Object.defineProperty(wrapper, TRANSACTIONAL, { value: true });
  copyMethodMetadata(original, wrapper);
  return wrapper;
}
