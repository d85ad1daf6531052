import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { OUTBOX_DATA_SOURCE } from '../outbox.constants';
import { outboxTransactionsHolder } from './outbox-transactions.holder';

/**
 * The ambient transaction: `run(fn)` opens a TypeORM transaction on the outbox's
 * DataSource and makes its EntityManager current for everything `fn` awaits, so
 * `outbox.publish(message)` joins it without the manager being passed around. A throw
 * rolls both back. `@Transactional()` methods run through the same `run`.
 */
@Injectable()
export class OutboxTransactions implements OnModuleInit, OnApplicationShutdown {
  private readonly storage = new AsyncLocalStorage<EntityManager>();

  constructor(@Inject(OUTBOX_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Makes this instance the one `@Transactional()` methods run through. */
  onModuleInit(): void {
    outboxTransactionsHolder.register(this);
  }

  // The last hook, not onModuleDestroy: inbox handlers still drain in
  // beforeApplicationShutdown, and their @Transactional() services must keep working.
  onApplicationShutdown(): void {
    outboxTransactionsHolder.unregister(this);
  }

  /** The EntityManager of the transaction in progress, if any. */
  currentManager(): EntityManager | undefined {
    return this.storage.getStore();
  }

  /** Runs `fn` in a transaction, or in the current one when already inside `run`. */
  run<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const current = this.storage.getStore();
    if (current) return fn(current);
    return this.dataSource.transaction((manager) => this.storage.run(manager, () => fn(manager)));
  }
}
