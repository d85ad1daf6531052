import {
  ConflictException,
  Controller,
  Injectable,
  Module,
  Param,
  ParseIntPipe,
  Post,
  Query,
  UseInterceptors,
  type INestApplication,
  type INestApplicationContext,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { defer, type Observable } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import { InboxHandler } from '@courier-nest/inbox';
import { InboxRegistry } from '@courier-nest/inbox/inbox.registry';
import {
  OutboxModule,
  OutboxNotInitializedError,
  OutboxService,
  OutboxTransactions,
  Transactional,
  TransactionalInterceptor,
} from '@courier-nest/outbox';
import { countRows, dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { createOutboxApp, createOutboxHttpApp } from '../harness/outbox-app';

// The decorated classes are declared once for the file; their SQL names this schema.
const schema = uniqueName('outbox_transactional');
const destination = 'transactional_events';

class PaymentDeclined extends Error {}

/** The id of the database transaction `manager` runs in. */
const txid = async (manager: EntityManager): Promise<string> =>
  (await manager.query('SELECT txid_current()::text AS id'))[0].id;

/** A business row and its message, both through the ambient transaction. */
async function saveAndPublish(tx: OutboxTransactions, outbox: OutboxService, id: number): Promise<string> {
  const manager = tx.currentManager();
  if (!manager) throw new Error('no ambient transaction');
  await manager.query(`INSERT INTO "${schema}".orders (id) VALUES ($1)`, [id]);
  await outbox.publish({ destination, type: 'order_placed', key: String(id), payload: { id } });
  return txid(manager);
}

@Injectable()
class OrdersService {
  constructor(
    private readonly tx: OutboxTransactions,
    private readonly outbox: OutboxService,
  ) {}

  /** Throws after both writes when `fail`. */
  @Transactional()
  async place(id: number, fail = false): Promise<{ id: number; txid: string }> {
    const transaction = await saveAndPublish(this.tx, this.outbox, id);
    if (fail) throw new PaymentDeclined(`payment for ${id} declined`);
    return { id, txid: transaction };
  }

  /** Does its work on subscribe, as an Observable-returning method would. */
  @Transactional()
  placeLater(id: number, fail = false): Observable<number> {
    return defer(async () => {
      await saveAndPublish(this.tx, this.outbox, id);
      if (fail) throw new PaymentDeclined(`payment for ${id} declined`);
      return id;
    });
  }
}

@Injectable()
class CheckoutService {
  constructor(
    private readonly orders: OrdersService,
    private readonly tx: OutboxTransactions,
  ) {}

  /** Places every order through the @Transactional OrdersService, then throws when `fail`. */
  @Transactional()
  async checkout(ids: number[], fail: boolean): Promise<{ outer: string; inner: string[] }> {
    const outer = await txid(this.tx.currentManager()!);
    const inner: string[] = [];
    for (const id of ids) inner.push((await this.orders.place(id)).txid);
    if (fail) throw new PaymentDeclined('checkout declined');
    return { outer, inner };
  }
}

@Controller('orders')
class OrdersController {
  constructor(
    private readonly tx: OutboxTransactions,
    private readonly outbox: OutboxService,
  ) {}

  private async place(id: number, fail?: string) {
    await saveAndPublish(this.tx, this.outbox, id);
    if (fail) throw new ConflictException(`order ${id} declined`);
    return { id };
  }

  @Post(':id')
  @Transactional()
  placeRouteFirst(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    return this.place(id, fail);
  }

  @Transactional()
  @Post('reversed/:id')
  placeTransactionalFirst(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    return this.place(id, fail);
  }

  @Post('intercepted/:id')
  @UseInterceptors(TransactionalInterceptor)
  placeIntercepted(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    return this.place(id, fail);
  }
}

@Controller('whole')
@Transactional()
class WholeController {
  constructor(
    private readonly tx: OutboxTransactions,
    private readonly outbox: OutboxService,
  ) {}

  @Post(':id')
  async place(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    await saveAndPublish(this.tx, this.outbox, id);
    if (fail) throw new ConflictException(`order ${id} declined`);
    return { id };
  }
}

/** A provider whose method records whether it ran. */
@Injectable()
class Standalone {
  ran = 0;

  @Transactional()
  async work(): Promise<string> {
    this.ran++;
    return 'done';
  }
}

describe('@Transactional() on providers and controllers', () => {
  let app: INestApplication;
  let db: Client;
  let tx: OutboxTransactions;

  beforeAll(async () => {
    db = await openDatabase();
    app = await createOutboxHttpApp({
      outbox: { schema, relay: { enabled: false } },
      providers: [OrdersService, CheckoutService],
      controllers: [OrdersController, WholeController],
    });
    tx = app.get(OutboxTransactions);
    await db.query(`CREATE TABLE "${schema}".orders (id int PRIMARY KEY)`);
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  const ordersWith = async (ids: number[]) =>
    (await db.query(`SELECT count(*)::int AS n FROM "${schema}".orders WHERE id = ANY($1)`, [ids])).rows[0].n;
  const messagesFor = (ids: number[]) =>
    countRows(db, schema, `key IN (${ids.map((id) => `'${id}'`).join(',')})`);
  const post = async (path: string) => {
    const response = await fetch(`${await app.getUrl()}${path}`, { method: 'POST' });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  describe('on a service method', () => {
    it('commits the business row and the message together, and returns the result', async () => {
      const result = await app.get(OrdersService).place(1);
      expect(result).toEqual({ id: 1, txid: expect.any(String) });
      expect(await ordersWith([1])).toBe(1);
      expect(await messagesFor([1])).toBe(1);
      // The transaction ended with the method: nothing ambient is left behind.
      expect(tx.currentManager()).toBeUndefined();
    });

    it('rolls both back when the method throws after writing both, and rethrows its error', async () => {
      const error = await app
        .get(OrdersService)
        .place(2, true)
        .catch((e) => e);
      expect(error).toBeInstanceOf(PaymentDeclined);
      expect(await ordersWith([2])).toBe(0);
      expect(await messagesFor([2])).toBe(0);
    });

    it('runs an Observable result to its last value inside the transaction', async () => {
      // The wrapper returns a Promise of the last value; the declared type stays Observable.
      const placed = app.get(OrdersService).placeLater(3) as unknown as Promise<number>;
      await expect(placed).resolves.toBe(3);
      expect(await messagesFor([3])).toBe(1);
      const failed = app.get(OrdersService).placeLater(4, true) as unknown as Promise<number>;
      await expect(failed).rejects.toThrow(PaymentDeclined);
      expect(await ordersWith([3, 4])).toBe(1);
      expect(await messagesFor([4])).toBe(0);
    });

    it('keeps the method name', () => {
      expect(OrdersService.prototype.place.name).toBe('place');
    });
  });

  describe('nested', () => {
    it('runs an inner @Transactional method in the outer transaction', async () => {
      const { outer, inner } = await app.get(CheckoutService).checkout([10, 11], false);
      expect(inner).toEqual([outer, outer]);
      expect(await ordersWith([10, 11])).toBe(2);
      expect(await messagesFor([10, 11])).toBe(2);
    });

    it('rolls back what inner methods wrote when the outer one throws after they returned', async () => {
      await expect(app.get(CheckoutService).checkout([12, 13], true)).rejects.toThrow('checkout declined');
      expect(await ordersWith([12, 13])).toBe(0);
      expect(await messagesFor([12, 13])).toBe(0);
    });
  });

  describe.each([
    ['@Post() above @Transactional()', '/orders'],
    ['@Transactional() above @Post()', '/orders/reversed'],
    ['@Transactional() on the controller class', '/whole'],
    ['@UseInterceptors(TransactionalInterceptor)', '/orders/intercepted'],
  ])('on a controller route, %s', (_form, base) => {
    // Distinct ids per form: the forms share the orders table.
    const id = 100 + base.length;

    it('commits the row and the message before the response', async () => {
      expect(await post(`${base}/${id}`)).toEqual({ status: 201, body: { id } });
      expect(await ordersWith([id])).toBe(1);
      expect(await messagesFor([id])).toBe(1);
    });

    it('rolls both back when the route throws, and answers with its error', async () => {
      const failing = id + 1000;
      const { status, body } = await post(`${base}/${failing}?fail=1`);
      expect(status).toBe(409);
      expect(body.message).toBe(`order ${failing} declined`);
      expect(await ordersWith([failing])).toBe(0);
      expect(await messagesFor([failing])).toBe(0);
    });
  });
});

describe('@Transactional() without an initialised OutboxModule', () => {
  it('rejects with OutboxNotInitializedError in an app that does not import OutboxModule, without running the method', async () => {
    @Module({ providers: [Standalone] })
    class NoOutboxModule {}
    const app = await NestFactory.createApplicationContext(NoOutboxModule, {
      logger: false,
      abortOnError: false,
    });
    try {
      const standalone = app.get(Standalone);
      const error = await standalone.work().catch((e) => e);
      expect(error).toBeInstanceOf(OutboxNotInitializedError);
      expect(error).toMatchObject({ code: 'COURIER_OUTBOX_NOT_INITIALIZED', method: 'Standalone.work' });
      expect(error.message).toMatch(/Import OutboxModule\.forRoot/);
      expect(standalone.ran).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('runs while the outbox app is up, and rejects once it is closed', async () => {
    const outboxSchema = uniqueName('outbox_transactional_closed');
    const app = await createOutboxApp({
      outbox: { schema: outboxSchema, relay: { enabled: false } },
      providers: [Standalone],
    });
    const standalone = app.get(Standalone);
    try {
      await expect(standalone.work()).resolves.toBe('done');
    } finally {
      await app.close();
    }
    await expect(standalone.work()).rejects.toThrow(OutboxNotInitializedError);
    expect(standalone.ran).toBe(1);
    const db = await openDatabase();
    await dropSchema(db, outboxSchema);
    await db.end();
  });
});

@Injectable()
class TransactionalHandlers {
  constructor(private readonly tx: OutboxTransactions) {}

  @InboxHandler('transactional_events', 'handler_above')
  @Transactional()
  async handlerAbove(): Promise<boolean> {
    return this.tx.currentManager()?.queryRunner?.isTransactionActive === true;
  }

  @Transactional()
  @InboxHandler('transactional_events', 'transactional_above')
  async transactionalAbove(): Promise<boolean> {
    return this.tx.currentManager()?.queryRunner?.isTransactionActive === true;
  }
}

describe('@Transactional() with @InboxHandler on the same method', () => {
  const inboxSchema = uniqueName('inbox_transactional');
  const outboxSchema = uniqueName('outbox_transactional_inbox');
  let app: INestApplicationContext;
  let db: Client;

  beforeAll(async () => {
    db = await openDatabase();
    app = await createInboxApp({
      inbox: { schema: inboxSchema, dispatcher: { enabled: false } },
      handlers: [TransactionalHandlers],
      rabbitmq: false,
      outbox: { schema: outboxSchema, relay: { enabled: false } },
    });
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, inboxSchema);
    await dropSchema(db, outboxSchema);
    await db.end();
  });

  it.each(['handler_above', 'transactional_above'])(
    'registers the %s handler, and it runs in a transaction',
    async (handlerKey) => {
      const registered = app.get(InboxRegistry).get('transactional_events', handlerKey);
      expect(registered).toBeDefined();
      await expect(registered!.handle({} as never, {} as never)).resolves.toBe(true);
    },
  );
});

@Injectable()
class DataSourceProbe {
  constructor(private readonly tx: OutboxTransactions) {}

  @Transactional()
  async dataSource(): Promise<DataSource> {
    return this.tx.currentManager()!.connection;
  }
}

describe('@Transactional() with a named DataSource', () => {
  const outboxSchema = uniqueName('outbox_transactional_named');
  let app: INestApplicationContext;
  let db: Client;

  beforeAll(async () => {
    db = await openDatabase();
    @Module({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: DATABASE_URL, extra: { max: 2 } }),
        TypeOrmModule.forRoot({ name: 'orders', type: 'postgres', url: DATABASE_URL, extra: { max: 2 } }),
        OutboxModule.forRoot({
          schema: outboxSchema,
          migrationsRun: true,
          relay: { enabled: false },
          dataSource: 'orders',
        }),
      ],
      providers: [DataSourceProbe],
    })
    class NamedDataSourceModule {}
    app = await NestFactory.createApplicationContext(NamedDataSourceModule, {
      logger: ['error', 'warn'],
      abortOnError: false,
    });
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, outboxSchema);
    await db.end();
  });

  it("runs the method in a transaction of the outbox's DataSource, not the default one", async () => {
    const used = await app.get(DataSourceProbe).dataSource();
    expect(used).toBe(app.get(getDataSourceToken('orders')));
    expect(used).not.toBe(app.get(getDataSourceToken()));
  });
});
