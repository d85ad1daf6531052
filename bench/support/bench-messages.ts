import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { OutgoingMessage } from '@courier-nest/core';
import { OutboxService, type OutboxModuleOptions } from '@courier-nest/outbox';
import { createOutboxApp } from '../../test/harness/outbox-app';
import type { BenchContext } from './bench-context';

/** The same small JSON body (~70 bytes) for the raw ceiling and the outbox. */
export function benchPayload(seq: number): {
  orderId: string;
  seq: number;
  amountCents: number;
  currency: string;
} {
  return { orderId: `ord-${seq}`, seq, amountCents: 1999 + (seq % 100), currency: 'EUR' };
}

export function benchMessage(context: BenchContext, seq: number, id: string = randomUUID()): OutgoingMessage {
  return {
    id,
    destination: context.exchange,
    type: context.routingKey,
    key: `ord-${seq}`,
    payload: benchPayload(seq),
  };
}

export interface BenchApp {
  app: INestApplicationContext;
  outbox: OutboxService;
  dataSource: DataSource;
}

/**
 * An outbox app as a user would boot it (TypeORM + RabbitMQ + outbox), Nest logs at
 * warn/error; `outbox` adds options besides the relay's (e.g. `notify`).
 */
export async function bootBenchApp(
  schema: string,
  relay: NonNullable<OutboxModuleOptions['relay']>,
  poolSize = 10,
  outbox: Partial<OutboxModuleOptions> = {},
): Promise<BenchApp> {
  const app = await createOutboxApp({
    outbox: { ...outbox, schema, serviceName: 'courier-bench', relay },
    poolSize,
  });
  return { app, outbox: app.get(OutboxService), dataSource: app.get<DataSource>(getDataSourceToken()) };
}
