import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import type { Client } from 'pg';
import { runConsoleCli, type ConsoleCliRun } from '../harness/console-cli';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, uniqueName } from '../harness/env';
import { freePort, SampleAppProcess } from '../harness/sample-app-process';
import { waitFor } from '../harness/wait-for';

/**
 * The courier-console command line against the orders sample, which mounts the console:
 * a real process, PostgreSQL and RabbitMQ. Orders' `mark_shipped` handler rejects a
 * shipment for an order it does not know as non-retryable, so such a message is a dead
 * inbox handler run at once; once the order exists, a replay ships it.
 */
describe('courier-console against the orders sample', () => {
  const service = uniqueName('console_cli');
  const token = `console-cli-${randomUUID()}`;
  const queue = `${service}.shipment_events`;
  const messageId = randomUUID();
  const orderId = randomUUID();
  const shipmentId = randomUUID();
  const run = `${messageId}/mark_shipped`;
  let orders: SampleAppProcess;
  let db: Client;
  let broker: ChannelModel;
  const outputs: string[] = [];

  /** The CLI with the console's URL and token in its environment, as an operator would set them. */
  async function cli(args: string[], env: Record<string, string> = {}): Promise<ConsoleCliRun> {
    const result = await runConsoleCli(args, {
      COURIER_CONSOLE_URL: `${orders.url}/courier`,
      COURIER_CONSOLE_TOKEN: token,
      ...env,
    });
    outputs.push(result.stdout, result.stderr);
    return result;
  }

  const handlerState = async () =>
    (
      await db.query(
        `SELECT status, attempts FROM "${service}".inbox_handler_states WHERE message_id = $1 AND handler_key = 'mark_shipped'`,
        [messageId],
      )
    ).rows[0] as { status: string; attempts: number } | undefined;

  beforeAll(async () => {
    db = await openDatabase();
    orders = await SampleAppProcess.start('orders', {
      SERVICE_NAME: service,
      COURIER_SCHEMA: service,
      COURIER_CONSOLE_TOKEN: token,
    });
    // Straight to this service's inbox queue (the default exchange): the shared
    // shipment_events exchange would hand it to every other orders under test too.
    broker = await connect(AMQP_URL);
    const channel = await broker.createConfirmChannel();
    channel.sendToQueue(queue, Buffer.from(JSON.stringify({ orderId, shipmentId })), {
      messageId,
      type: 'shipment_created',
      contentType: 'application/json',
      persistent: true,
    });
    await channel.waitForConfirms();
    await channel.close();
    await waitFor(
      async () => (await handlerState())?.status === 'dead',
      'mark_shipped dead for the unknown order',
    );
  }, 120_000);

  afterAll(async () => {
    await orders?.stop();
    const channel = await broker.createChannel();
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.deleteQueue(`${queue}.dead`).catch(() => undefined);
    await broker.close();
    await db.query('DELETE FROM sample_orders WHERE id = $1', [orderId]);
    await dropSchema(db, service);
    await db.end();
  });

  it('the startup log names the console, never its token', () => {
    expect(orders.output.join('\n')).toContain(
      `Operations console at http://localhost:${new URL(orders.url).port}/courier`,
    );
    expect(orders.output.join('\n')).not.toContain(token);
  });

  it('dead list inbox shows the dead run, named as replay takes it, with its error', async () => {
    const table = await cli(['dead', 'list', 'inbox', '--handler-key', 'mark_shipped']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    // One row: the run as replay takes it, the type, attempts of the maximum, the dead time, and
    // the error shortened to the table's width (--json has it whole).
    const row = table.stdout.split('\n').find((line) => line.startsWith(run));
    expect(row).toMatch(
      new RegExp(
        `^${run}\\s+shipment_created\\s+1/5\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+` +
          `InboxNonRetryableError: No order ${orderId}.*…$`,
      ),
    );
    expect(table.stdout).toContain('1 dead inbox handler run.');

    const json = await cli(['dead', 'list', 'inbox', '--json']);
    expect(json.code).toBe(0);
    const { items } = JSON.parse(json.stdout) as {
      items: { messageId: string; handlerKey: string; lastError: string }[];
    };
    expect(items).toEqual([
      expect.objectContaining({
        messageId,
        handlerKey: 'mark_shipped',
        lastError: expect.stringContaining(`No order ${orderId} for shipment ${shipmentId}`),
      }),
    ]);
  });

  it('purge without --yes is a usage error (exit 2) that says purge deletes for good, and deletes nothing', async () => {
    const purge = await cli(['purge', 'inbox', run]);
    expect(purge.code).toBe(2);
    expect(purge.stderr).toContain('purge deletes dead entries for good');
    expect(purge.stderr).toContain('Add --yes to confirm.');
    expect(await handlerState()).toMatchObject({ status: 'dead' });
  });

  it('a wrong token is refused: exit 1 with the 401 and what to check, and neither token printed', async () => {
    const wrong = 'wrong-console-token-0123456789';
    const refused = await cli(['overview'], { COURIER_CONSOLE_TOKEN: wrong });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`${orders.url}/courier answered 401 Unauthorized`);
    expect(refused.stderr).toContain('Check --token (or COURIER_CONSOLE_TOKEN), or --user and --password.');
    expect(refused.stderr).not.toContain(wrong);
    // The same with the token as a flag and Basic credentials in the URL: never echoed.
    const basic = await cli(
      ['overview', '--url', `${orders.url.replace('://', '://ops:url-secret-pw@')}/courier`],
      {
        COURIER_CONSOLE_TOKEN: '',
      },
    );
    expect(basic.code).toBe(1);
    expect(basic.stderr).toContain(`${orders.url}/courier answered 401`);
    expect(basic.stderr).not.toContain('url-secret-pw');
  });

  it('nothing listening: exit 1, one line naming the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}/courier`;
    expect(await cli(['overview', '--url', url])).toEqual({
      code: 1,
      stdout: '',
      stderr: `courier-console: nothing answered at ${url} (connection refused): is the service running, and is --url right?\n`,
    });
  });

  it('once the cause is fixed, replay inbox runs the handler again and it is done', async () => {
    // The cause: orders knows no such order. Fixed as an operator would, by restoring it.
    await db.query(
      `INSERT INTO sample_orders (id, "customerId", lines, status) VALUES ($1, 'console-cli', '[]', 'created')`,
      [orderId],
    );
    const replay = await cli(['replay', 'inbox', run]);
    expect(replay).toEqual({ code: 0, stdout: 'Replayed 1 dead inbox handler run.\n', stderr: '' });
    await waitFor(
      async () => (await handlerState())?.status === 'done',
      'mark_shipped done after the replay',
    );
    const order = (await (await fetch(`${orders.url}/orders/${orderId}`)).json()) as {
      status: string;
      shipmentId: string;
    };
    expect(order).toMatchObject({ status: 'shipped', shipmentId });

    const after = await cli(['dead', 'list', 'inbox']);
    expect(after).toMatchObject({ code: 0, stdout: 'No dead inbox handler runs.\n' });
    // A second replay of the same run finds nothing dead, and says so.
    const again = await cli(['replay', 'inbox', run]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Not dead (already replayed or purged, or never dead): ${run}`);
  });

  it('journey and overview show the message and the counts', async () => {
    const journey = await cli(['journey', messageId]);
    expect(journey.code).toBe(0);
    expect(journey.stdout).toContain(`Message ${messageId}`);
    expect(journey.stdout).toContain('  inbox:     received as shipment_events: mark_shipped done (1/5)\n');
    expect(journey.stdout).toMatch(/handler "mark_shipped" done after 1 of 5 attempts\n/);
    const overview = await cli(['overview', '--json']);
    expect(overview.code).toBe(0);
    const handlers = (
      JSON.parse(overview.stdout) as { inbox: { handlers: { handlerKey: string; dead: number }[] } }
    ).inbox.handlers;
    expect(handlers).toEqual(
      expect.arrayContaining([expect.objectContaining({ handlerKey: 'mark_shipped', dead: 0 })]),
    );
  });

  it('printed the token in no output', () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(output).not.toContain(token);
  });
});
