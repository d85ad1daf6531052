/**
 * The peer of bench:e2e's consuming service: what a team writes without an inbox. An
 * amqplib consumer (manual acks, Courier's default prefetch) takes each delivery, records
 * its id with INSERT … ON CONFLICT DO NOTHING (node-postgres, its own autocommit
 * statement), runs the handler if the row was new, then acks. It stamps on the shared
 * clock when each handler ran; `report` replies with the stamps gathered since the last
 * report.
 */
import { connect, type ConsumeMessage } from 'amqplib';
import { Pool } from 'pg';
import { AMQP_URL, DATABASE_URL } from '../../test/harness/env';
import { sharedNowMs } from '../support/shared-clock';
import { runMain, serveBench } from './process-ipc';

const config = JSON.parse(process.argv[2]) as {
  schema: string;
  exchange: string;
  queue: string;
  prefetch: number;
};

runMain(async () => {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 10 });
  const seen = `"${config.schema}".peer_seen`;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
  await pool.query(`CREATE TABLE ${seen} (id uuid PRIMARY KEY)`);

  let done = new Map<string, number>();
  const ran = new Set<string>();
  let ranTwice = 0;
  const connection = await connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(config.exchange, 'fanout', { durable: true });
  await channel.assertQueue(config.queue, { durable: true });
  await channel.bindQueue(config.queue, config.exchange, '');
  await channel.prefetch(config.prefetch);

  const handle = async (delivery: ConsumeMessage) => {
    const id = delivery.properties.messageId as string;
    const { rowCount } = await pool.query(`INSERT INTO ${seen} (id) VALUES ($1) ON CONFLICT DO NOTHING`, [
      id,
    ]);
    if (rowCount === 1) {
      // The handler: trivial, as Courier's side of the bench.
      if (ran.has(id)) ranTwice++;
      ran.add(id);
      done.set(id, sharedNowMs());
    }
    channel.ack(delivery);
  };
  await channel.consume(config.queue, (delivery) => {
    if (delivery === null) return;
    handle(delivery).catch((error: Error) => {
      console.error(error);
      process.exit(1);
    });
  });

  serveBench(
    {
      report: () => {
        const reply = { type: 'report', done: [...done], stored: [], ranTwice };
        done = new Map();
        return reply;
      },
    },
    async () => {
      await connection.close();
      await pool.end();
    },
  );
});
