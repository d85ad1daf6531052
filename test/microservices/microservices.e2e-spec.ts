import {
  Controller,
  Injectable,
  Module,
  Param,
  ParseIntPipe,
  Post,
  Query,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { IsInt, IsString, Min } from 'class-validator';
import type { Client } from 'pg';
import { lastValueFrom, tap, type Observable } from 'rxjs';
import { InboxModule, InboxService } from '@courier-nest/inbox';
import {
  CourierClientProxy,
  CourierContext,
  CourierMicroservicesModule,
  CourierRecord,
  CourierServer,
} from '@courier-nest/microservices';
import {
  InvalidMessageError,
  OutboxModule,
  OutboxTransactionRequiredError,
  OutboxTransactions,
  Transactional,
} from '@courier-nest/outbox';
import { CourierRabbitMQModule, RabbitMQInboxBridge } from '@courier-nest/rabbitmq';
import { BrokerProbe, type ReceivedMessages } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, DATABASE_URL, uniqueName } from '../harness/env';
import { waitFor } from '../harness/wait-for';

// Patterns are decorator arguments, so they are fixed for the file (unique per run).
const ORDERS = uniqueName('ms_orders');
const FLAKY = uniqueName('ms_flaky');
const VALIDATED = uniqueName('ms_validated');
const EMITTED = uniqueName('ms_emitted');
const schema = uniqueName('ms');
const businessSchema = `${schema}_shop`;

interface Run {
  handler: string;
  messageId: string;
  payload: unknown;
  eventType: string;
  type: string | null;
  attempt: number;
  headers: Record<string, string>;
  aborted: boolean;
}
const runs: Run[] = [];
const around: string[] = [];
let flakyFails = true;

function record(handler: string, payload: unknown, ctx: CourierContext): void {
  runs.push({
    handler,
    messageId: ctx.getMessageId(),
    payload,
    eventType: ctx.getEventType(),
    type: ctx.getType(),
    attempt: ctx.getAttempt(),
    headers: ctx.getHeaders(),
    aborted: ctx.getSignal().aborted,
  });
}
const runsOf = (handler: string, messageId: string) =>
  runs.filter((run) => run.handler === handler && run.messageId === messageId);

class ReserveStock {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity!: number;
}

@Injectable()
class RecordingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    around.push(`guard ${context.switchToRpc().getContext<CourierContext>().getMessageId()}`);
    return true;
  }
}

@Injectable()
class RecordingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const id = context.switchToRpc().getContext<CourierContext>().getMessageId();
    around.push(`before ${id}`);
    return next.handle().pipe(tap(() => around.push(`after ${id}`)));
  }
}

@Controller()
class OrderEvents {
  @EventPattern<string>(ORDERS, { handlerKey: 'reserve' })
  @UseGuards(RecordingGuard)
  @UseInterceptors(RecordingInterceptor)
  reserve(@Payload() payload: unknown, @Ctx() ctx: CourierContext): void {
    around.push(`handler ${ctx.getMessageId()}`);
    record('reserve', payload, ctx);
  }

  /** No handlerKey: its key is the pattern. */
  @EventPattern<string>(ORDERS)
  async notify(@Payload() payload: unknown, @Ctx() ctx: CourierContext): Promise<void> {
    record(ctx.getHandlerKey(), payload, ctx);
  }

  @EventPattern<string>(FLAKY, { handlerKey: 'flaky', maxAttempts: 2 })
  flaky(@Payload() payload: unknown, @Ctx() ctx: CourierContext): void {
    record('flaky', payload, ctx);
    if (flakyFails) throw new Error('stock service down');
  }

  @EventPattern<string>(VALIDATED, { handlerKey: 'validated' })
  @UsePipes(new ValidationPipe())
  validated(@Payload() payload: ReserveStock, @Ctx() ctx: CourierContext): void {
    record('validated', payload, ctx);
  }
}

class PaymentDeclined extends Error {}

@Injectable()
class ShopService {
  constructor(
    private readonly client: CourierClientProxy,
    private readonly tx: OutboxTransactions,
  ) {}

  @Transactional()
  async place(id: number, fail: boolean): Promise<string> {
    await this.tx.currentManager()!.query(`INSERT INTO "${businessSchema}".orders (id) VALUES ($1)`, [id]);
    const messageId = await lastValueFrom(
      this.client.emit<string>(EMITTED, new CourierRecord({ id }, { type: 'order_placed', key: String(id) })),
    );
    if (fail) throw new PaymentDeclined(`payment for ${id} declined`);
    return messageId;
  }
}

@Controller('orders')
class ShopController {
  constructor(private readonly shop: ShopService) {}

  @Post(':id')
  async place(
    @Param('id', ParseIntPipe) id: number,
    @Query('fail') fail?: string,
  ): Promise<{ messageId: string }> {
    return { messageId: await this.shop.place(id, fail === '1') };
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'postgres', url: DATABASE_URL, extra: { max: 10 } }),
    CourierRabbitMQModule.forRoot({ uri: AMQP_URL }),
    OutboxModule.forRoot({ schema: `${schema}_out`, migrationsRun: true, relay: { pollIntervalMs: 200 } }),
    InboxModule.forRoot({
      schema: `${schema}_in`,
      serviceName: schema,
      migrationsRun: true,
      backoff: { initialDelayMs: 50, maxDelayMs: 100, jitter: 0 },
      dispatcher: { pollIntervalMs: 100 },
    }),
    CourierMicroservicesModule.forRoot(),
  ],
  controllers: [OrderEvents, ShopController],
  providers: [RecordingGuard, RecordingInterceptor, ShopService],
})
class HybridAppModule {}

describe('CourierServer and CourierClientProxy in a hybrid app (HTTP + microservice) on RabbitMQ', () => {
  let app: INestApplication;
  let inbox: InboxService;
  let db: Client;
  let amqp: ChannelModel;
  let channel: ConfirmChannel;
  let probe: BrokerProbe;
  let emitted: ReceivedMessages;
  let baseUrl: string;

  /** Publishes to an exchange as another service's relay would, confirmed. */
  const publish = (exchange: string, id: string, body: unknown, type = 'order_created') =>
    new Promise<void>((resolve, reject) =>
      channel.publish(
        exchange,
        type,
        Buffer.from(JSON.stringify(body)),
        {
          messageId: id,
          type,
          contentType: 'application/json',
          persistent: true,
          headers: { 'x-tenant': 't1' },
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );

  beforeAll(async () => {
    db = await openDatabase();
    await db.query(
      `CREATE SCHEMA "${businessSchema}"; CREATE TABLE "${businessSchema}".orders (id int PRIMARY KEY)`,
    );
    probe = await BrokerProbe.open();
    emitted = await probe.bindQueue(EMITTED);
    amqp = await connect(AMQP_URL);
    channel = await amqp.createConfirmChannel();

    app = await NestFactory.create(HybridAppModule, { logger: ['error', 'warn'], abortOnError: false });
    app.connectMicroservice({ strategy: app.get(CourierServer) }, { inheritAppConfig: true });
    // Bootstrap first, then listen(): the bridge subscribes to the patterns as they are registered.
    await app.init();
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    inbox = app.get(InboxService);
    const bridge = app.get(RabbitMQInboxBridge);
    await waitFor(() => bridge.consumers().attached === 3, 'a consumer on each pattern’s queue');
  });

  afterAll(async () => {
    await app?.close();
    await amqp?.close().catch(() => undefined);
    for (const exchange of [ORDERS, FLAKY, VALIDATED, EMITTED]) await probe?.deleteExchange(exchange);
    await probe?.close();
    for (const name of [`${schema}_in`, `${schema}_out`, businessSchema]) await dropSchema(db, name);
    await db?.end();
  });

  it('runs each @EventPattern handler once for a message delivered three times, with the context filled in', async () => {
    for (let i = 0; i < 3; i++) await publish(ORDERS, 'order-1', { orderId: 1 });
    await publish(ORDERS, 'order-2', { orderId: 2 }); // after the copies on the same queue: a marker
    await waitFor(
      () => runsOf('reserve', 'order-2').length === 1 && runsOf(ORDERS, 'order-2').length === 1,
      'both handlers to run order-2',
    );

    expect(runsOf('reserve', 'order-1')).toHaveLength(1);
    expect(runsOf(ORDERS, 'order-1')).toHaveLength(1);
    expect(runsOf('reserve', 'order-1')[0]).toMatchObject({
      payload: { orderId: 1 },
      eventType: ORDERS,
      type: 'order_created',
      attempt: 1,
      aborted: false,
      headers: expect.objectContaining({ 'x-tenant': 't1' }),
    });
  });

  it('runs the guard, then the interceptor around the handler', async () => {
    await publish(ORDERS, 'order-3', { orderId: 3 });
    await waitFor(() => around.includes('after order-3'), 'the interceptor to see order-3 handled');
    expect(around.filter((entry) => entry.endsWith(' order-3'))).toEqual([
      'guard order-3',
      'before order-3',
      'handler order-3',
      'after order-3',
    ]);
  });

  it('retries a throwing handler, then dead after maxAttempts; replay runs it again and it is done', async () => {
    await publish(FLAKY, 'flaky-1', { orderId: 1 });
    const dead = await waitFor(
      async () => (await inbox.listDead({ eventType: FLAKY })).find((d) => d.messageId === 'flaky-1'),
      'flaky-1 to be dead',
    );
    expect(dead).toMatchObject({ handlerKey: 'flaky', attempts: 2 });
    expect(dead.lastError).toBe('Error: stock service down');
    expect(runsOf('flaky', 'flaky-1').map((run) => run.attempt)).toEqual([1, 2]);

    flakyFails = false;
    expect(await inbox.replay('flaky-1', 'flaky')).toBe(true);
    await waitFor(() => runsOf('flaky', 'flaky-1').length === 3, 'the replayed run');
    await waitFor(
      async () => (await inbox.listDead({ eventType: FLAKY })).length === 0,
      'flaky-1 to leave the dead',
    );
    expect(runsOf('flaky', 'flaky-1')[2].attempt).toBe(1);
  });

  it("dead-letters a payload the ValidationPipe rejects at once, with the pipe's message, after one attempt", async () => {
    await publish(VALIDATED, 'invalid-1', { sku: 42, quantity: 0 });
    await publish(VALIDATED, 'valid-1', { sku: 'sku-1', quantity: 2 });
    const dead = await waitFor(
      async () => (await inbox.listDead({ eventType: VALIDATED })).find((d) => d.messageId === 'invalid-1'),
      'invalid-1 to be dead',
    );
    expect(dead).toMatchObject({ handlerKey: 'validated', attempts: 1 });
    expect(dead.lastError).toBe(
      'InboxNonRetryableError: BadRequestException: sku must be a string; quantity must not be less than 1',
    );
    await waitFor(() => runsOf('validated', 'valid-1').length === 1, 'the valid message to be handled');
    expect(runsOf('validated', 'invalid-1')).toEqual([]);
  });

  it('emit() inside @Transactional publishes once on commit; a throw publishes nothing and rolls the row back', async () => {
    const declined = await fetch(`${baseUrl}/orders/2?fail=1`, { method: 'POST' });
    expect(declined.status).toBe(500);
    const placed = await fetch(`${baseUrl}/orders/3`, { method: 'POST' });
    expect(placed.status).toBe(201);
    const { messageId } = (await placed.json()) as { messageId: string };

    await waitFor(() => emitted.ids().includes(messageId), 'the committed message on the broker');
    // The rolled-back order was written before it, in the outbox's order: it would have come first.
    expect(emitted.ids()).toEqual([messageId]);
    expect(emitted.bodies()).toEqual([{ id: 3 }]);
    expect(emitted.messages[0].properties.type).toBe('order_placed');
    const { rows } = await db.query(`SELECT id FROM "${businessSchema}".orders ORDER BY id`);
    expect(rows).toEqual([{ id: 3 }]);
  });

  it('emit() of a CourierRecord with delayMs publishes no earlier than that, within a poll interval after', async () => {
    // When each message reached the broker, by this process's clock.
    const arrivals = new Map<string, number>();
    const { queue } = await probe.channel.assertQueue('', { exclusive: true, autoDelete: true });
    await probe.channel.bindQueue(queue, EMITTED, '#');
    await probe.channel.consume(queue, (m) => m && arrivals.set(String(m.properties.messageId), Date.now()), {
      noAck: true,
    });
    const client = app.get(CourierClientProxy);
    const tx = app.get(OutboxTransactions);
    const before = Date.now();
    const messageId = await tx.run(() =>
      lastValueFrom(
        client.emit<string>(EMITTED, new CourierRecord({ id: 5 }, { type: 'order_reminder', delayMs: 700 })),
      ),
    );
    const committed = Date.now();
    const arrivedAt = await waitFor(() => arrivals.get(messageId), 'the scheduled message on the broker');
    expect(arrivedAt).toBeGreaterThanOrEqual(before + 700);
    // The relay's poll interval here is 200 ms; a busy machine may add some.
    expect(arrivedAt).toBeLessThanOrEqual(committed + 700 + 200 + 500);
    await waitFor(() => emitted.ids().includes(messageId), 'the message in the suite’s queue');
    expect(emitted.messages.at(-1)?.properties.type).toBe('order_reminder');
  });

  it('emit() of a CourierRecord with a bad schedule fails with InvalidMessageError naming the field', async () => {
    const client = app.get(CourierClientProxy);
    const tx = app.get(OutboxTransactions);
    const error = await tx
      .run(() => lastValueFrom(client.emit(EMITTED, new CourierRecord({ id: 6 }, { delayMs: -1 }))))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error).toMatchObject({ field: 'delayMs' });
  });

  it('emit() outside a transaction fails with OutboxTransactionRequiredError', async () => {
    const client = app.get(CourierClientProxy);
    await expect(lastValueFrom(client.emit(EMITTED, { id: 9 }))).rejects.toBeInstanceOf(
      OutboxTransactionRequiredError,
    );
  });
});
