/**
 * The peer of bench:e2e's producing service: what a team writes without an outbox. Each
 * write commits the order (TypeORM, one INSERT, as the baseline does) and then publishes
 * the event with amqplib on a confirm channel, persistent, awaiting the broker's confirm.
 * A crash between the commit and the publish loses the event, so this is the floor of
 * what the same path costs, not an equivalent of Courier. On `run` it commits at the
 * given rate (open loop) and replies with each message's commit time on the shared clock
 * once every publish is confirmed.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { DataSource } from 'typeorm';
import { AMQP_URL, DATABASE_URL } from '../../test/harness/env';
import { benchPayload } from '../support/bench-messages';
import { replyToRun, runMain, serveBench } from './process-ipc';

const config = JSON.parse(process.argv[2]) as { schema: string; exchange: string };

runMain(async () => {
  // The same pool size as the outbox app's (test/harness/outbox-app).
  const dataSource = await new DataSource({
    type: 'postgres',
    url: DATABASE_URL,
    extra: { max: 10 },
  }).initialize();
  const orders = `"${config.schema}".peer_orders`;
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
  await dataSource.query(`CREATE TABLE ${orders} (id uuid PRIMARY KEY, payload jsonb NOT NULL)`);
  const connection = await connect(AMQP_URL);
  const channel = await connection.createConfirmChannel();

  const publishes = new Set<Promise<void>>();
  const publish = (id: string, body: object) => {
    const confirmed = new Promise<void>((resolve, reject) => {
      channel.publish(
        config.exchange,
        '',
        Buffer.from(JSON.stringify(body)),
        { messageId: id, persistent: true, contentType: 'application/json' },
        (error) => (error ? reject(new Error(`publish of ${id} nacked`)) : resolve()),
      );
    }).finally(() => publishes.delete(confirmed));
    publishes.add(confirmed);
  };

  const write = async (seq: number): Promise<string> => {
    const id = randomUUID();
    const payload = benchPayload(seq);
    await dataSource.transaction((manager) =>
      manager.query(`INSERT INTO ${orders} (id, payload) VALUES ($1, $2)`, [id, payload]),
    );
    // After the commit: the commit time is stamped as this write returns.
    publish(id, payload);
    return id;
  };

  serveBench(
    {
      run: async (message) => {
        const reply = await replyToRun(message, write);
        await Promise.all(publishes);
        return reply;
      },
    },
    async () => {
      await connection.close();
      await dataSource.destroy();
    },
  );
});
