import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { OUTBOX_DATA_SOURCE } from '../outbox.constants';

/**
 * The ambient transaction: `run(fn)` opens a TypeORM transaction and makes its
 * EntityManager current for everything `fn` awaits, so `outbox.publish(message)`
 * joins it without the manager being passed around. A throw rolls both back.
 */
@Injectable()
export class OutboxTransactions {
  private readonly storage = new AsyncLocalStorage<EntityManager>();

  constructor(@Inject(OUTBOX_DATA_SOURCE) private readonly dataSource: DataSource) {}

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
