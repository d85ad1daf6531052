import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { defer, lastValueFrom } from 'rxjs';
import type { DataSource } from 'typeorm';
import {
  InvalidIdentifierError,
  InvalidMessageError,
  MalformedJsonError,
  PayloadTooLargeError,
  UnsafeJsonError,
} from '@courier-nest/core';
import {
  OutboxService,
  OutboxTransactionRequiredError,
  OutboxTransactions,
  TransactionalInterceptor,
} from '@courier-nest/outbox';
import type { ResolvedOutboxOptions } from '@courier-nest/outbox/outbox-options.resolver';
import type { OutgoingMessage } from '@courier-nest/core';
import { countRows, dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';

describe('Outbox input validation (nothing written on bad input)', () => {
  const schema = uniqueName('outbox_validation');
  const destination = 'validation_events';
  let app: INestApplicationContext;
  let db: Client;
  let outbox: OutboxService;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await openDatabase();
    // The relay is not needed to show what is (not) written.
    app = await createOutboxApp({ outbox: { schema, maxPayloadBytes: 1024, relay: { enabled: false } } });
    outbox = app.get(OutboxService);
    dataSource = app.get<DataSource>(getDataSourceToken());
    await db.query(`CREATE TABLE "${schema}".orders (id int PRIMARY KEY)`);
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  afterEach(async () => {
    expect(await countRows(db, schema)).toBe(0);
  });

  const valid: OutgoingMessage = { destination, type: 'thing_happened', payload: { ok: true } };

  /** Publishes in a transaction that would commit if publish did not throw. */
  const publishInTransaction = (...messages: unknown[]) =>
    dataSource.transaction((manager) => outbox.publish(manager, ...(messages as OutgoingMessage[])));

  it.each([
    ['contains a space', 'order events'],
    ['is empty', ''],
    ['has a path', '../x'],
    ['is not a string', 42],
    ['is too long', 'd'.repeat(201)],
  ])('refuses a destination that %s', async (_case, badDestination) => {
    const error = await publishInTransaction({ ...valid, destination: badDestination }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.field).toBe('destination');
    expect(error.message).toMatch(/destination must be 1-200 characters/);
  });

  it.each<[string, Partial<OutgoingMessage>, string]>([
    ['a payload string', { payload: { customer: { name: 'a\u0000b' } } }, 'payload.customer.name'],
    ['a payload key', { payload: { ['k\u0000']: 1 } }, 'payload["k\\u0000"]'],
    ['the key', { key: 'order\u00001' }, 'key'],
    ['a header', { headers: { tenant: 'acme\u0000' } }, 'headers.tenant'],
    ['the correlation id', { correlationId: 'c\u0000' }, 'correlationId'],
  ])('refuses a NUL character in %s before the INSERT, naming the field', async (_where, change, field) => {
    // Written alone, the INSERT would fail (text, jsonb) or store what no inbox accepts.
    const error = await publishInTransaction(valid, { ...valid, ...change }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/contains a NUL character \(U\+0000\), which PostgreSQL cannot store/);
  });

  it('refuses an invalid type', async () => {
    const error = await publishInTransaction({ ...valid, type: 'order created!' }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.field).toBe('type');
  });

  it.each([
    ['a BigInt', { amount: 10n }, /BigInt/],
    ['a function', { callback: () => 1 }, /callback/],
    ['NaN', { ratio: NaN }, /ratio/],
    [
      'a cycle',
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
      /circular|cyclic|closes the circle/i,
    ],
  ])('refuses a payload with %s', async (_case, payload, pattern) => {
    const error = await publishInTransaction({ ...valid, payload }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.field).toBe('payload');
    expect(error.cause).toBeInstanceOf(MalformedJsonError);
    expect(error.message).toMatch(pattern);
  });

  it('refuses a payload over maxPayloadBytes, naming both sizes', async () => {
    const error = await publishInTransaction({ ...valid, payload: { blob: 'x'.repeat(2000) } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.cause).toBeInstanceOf(PayloadTooLargeError);
    expect(error.message).toMatch(/over the limit of 1024 bytes/);
  });

  it('refuses __proto__ and constructor.prototype keys', async () => {
    for (const json of [
      '{"__proto__":{"isAdmin":true}}',
      '{"a":{"constructor":{"prototype":{"isAdmin":true}}}}',
    ]) {
      const error = await publishInTransaction({ ...valid, payload: JSON.parse(json) }).catch((e) => e);
      expect(error).toBeInstanceOf(InvalidMessageError);
      expect(error.cause).toBeInstanceOf(UnsafeJsonError);
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it.each([
    'traceparent',
    'TraceState',
    'x-causation-id',
    'X-Correlation-Id',
    'x-courier-key',
    'x-courier-anything',
  ])('refuses the reserved header %s', async (name) => {
    const error = await publishInTransaction({ ...valid, headers: { [name]: 'forged' } }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.field).toBe(`headers.${name}`);
    expect(error.message).toMatch(/reserved by Courier/);
  });

  it('refuses a malformed traceparent and a non-UUID id', async () => {
    await expect(publishInTransaction({ ...valid, traceparent: '00-abc-01' })).rejects.toThrow(
      /W3C traceparent/,
    );
    await expect(publishInTransaction({ ...valid, id: 'order-1' })).rejects.toThrow(/must be a UUID/);
  });

  it('writes nothing of a call where one message of several is bad', async () => {
    const error = await publishInTransaction(valid, { ...valid, destination: 'bad destination' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InvalidMessageError);
  });

  it('refuses to publish through a manager with no transaction, and without any manager outside one', async () => {
    await expect(outbox.publish(dataSource.manager, valid)).rejects.toThrow(OutboxTransactionRequiredError);
    await expect(outbox.publish(dataSource.manager, valid)).rejects.toThrow(/inside dataSource.transaction/);
    await expect(outbox.publish(valid)).rejects.toThrow(OutboxTransactionRequiredError);
    await expect(outbox.publish(valid)).rejects.toThrow(/@Transactional\(\)/);
  });

  it('refuses a call with no message', async () => {
    await expect(dataSource.transaction((m) => outbox.publish(m))).rejects.toThrow(InvalidMessageError);
  });
});

describe('Outbox ambient transaction (@Transactional / OutboxTransactions)', () => {
  const schema = uniqueName('outbox_ambient');
  let app: INestApplicationContext;
  let db: Client;
  let outbox: OutboxService;
  let transactions: OutboxTransactions;

  beforeAll(async () => {
    db = await openDatabase();
    app = await createOutboxApp({ outbox: { schema, relay: { enabled: false } } });
    outbox = app.get(OutboxService);
    transactions = app.get(OutboxTransactions);
    await db.query(`CREATE TABLE "${schema}".orders (id int PRIMARY KEY)`);
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  const saveOrderAndPublish = async (id: number) => {
    await transactions.currentManager()!.query(`INSERT INTO "${schema}".orders (id) VALUES ($1)`, [id]);
    await outbox.publish({ destination: 'ambient_events', type: 'order_created', payload: { id } });
  };
  const orderCount = async () =>
    (await db.query(`SELECT count(*)::int AS n FROM "${schema}".orders`)).rows[0].n;

  it('commits the order and the message together', async () => {
    await transactions.run(() => saveOrderAndPublish(1));
    expect(await orderCount()).toBe(1);
    expect(await countRows(db, schema)).toBe(1);
  });

  it('rolls both back when the handler throws, through the interceptor', async () => {
    const interceptor = app.get(TransactionalInterceptor);
    // Nest's router hands interceptors the route handler as a deferred observable.
    const handler = {
      handle: () =>
        defer(async () => {
          await saveOrderAndPublish(2);
          throw new Error('payment declined');
        }),
    };
    await expect(lastValueFrom(interceptor.intercept({} as never, handler as never))).rejects.toThrow(
      'payment declined',
    );
    expect(await orderCount()).toBe(1);
    expect(await countRows(db, schema)).toBe(1);
  });
});

describe('Outbox options validated at bootstrap', () => {
  it.each([
    [
      'a malicious schema name',
      { schema: 'x"; DROP TABLE users; --' },
      InvalidIdentifierError,
      /Option "schema" must be a SQL identifier/,
    ],
    ['an upper-case schema name', { schema: 'Courier' }, InvalidIdentifierError, /Option "schema"/],
    [
      'a zero batch size',
      { relay: { batchSize: 0 } },
      Error,
      /Option "relay.batchSize" must be an integer from 1/,
    ],
    [
      'an unknown ordering',
      { ordering: 'strict' as never },
      Error,
      /Option "ordering" must be "unordered" or "per-key"/,
    ],
  ])('fails with %s', async (_case, outboxOptions, type, pattern) => {
    const error = await createOutboxApp({ outbox: outboxOptions, logger: false }).catch((e) => e);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(pattern);
  });

  it('resolves defaults it documents', async () => {
    const { resolveOutboxOptions } = await import('../../libs/outbox/src/outbox-options.resolver');
    const resolved: ResolvedOutboxOptions = resolveOutboxOptions({});
    expect(resolved).toMatchObject({
      schema: 'courier',
      ordering: 'unordered',
      notify: true,
      requireTransaction: true,
    });
    expect(resolved.relay).toMatchObject({
      batchSize: 1000,
      concurrency: 4,
      leaseMs: 5_000,
      maxAttempts: 10,
    });
  });
});
