import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { getDataSourceToken } from '@nestjs/typeorm';
import { connect } from 'amqplib';
import type { DataSource } from 'typeorm';
import { OUTBOX_PUBLISHER, OutboxService, type OutboxPublisher } from '@courier/outbox';
import { RabbitMQConnection } from '@courier/rabbitmq';
import { createOutboxApp } from '../test/harness/outbox-app';
import { AMQP_URL, uniqueName } from '../test/harness/env';

async function main() {
  const schema = uniqueName('probe');
  const dest = uniqueName('probe_dest');
  const app = await createOutboxApp({ outbox: { schema, relay: { concurrency: Number(process.env.C ?? 4) } } });
  await app.get(RabbitMQConnection).waitUntilConnected();
  const conn = await connect(AMQP_URL);
  const ch = await conn.createChannel();
  await ch.assertExchange(dest, 'topic', { durable: true });
  const { queue } = await ch.assertQueue('', { exclusive: true });
  await ch.bindQueue(queue, dest, '#');
  const arrivals = new Map<string, number>();
  await ch.consume(queue, (m) => m && arrivals.set(String(m.properties.messageId), performance.now()), { noAck: true });
  const publisher = app.get<OutboxPublisher>(OUTBOX_PUBLISHER);
  const store = (app.get(OutboxService) as any).store;
  const claimT: number[] = [], pubT: number[] = [];
  const realClaim = store.claim.bind(store);
  store.claim = async (...a: any[]) => { const t = performance.now(); const r = await realClaim(...a); if (r.length) claimT.push(performance.now() - t); return r; };
  const realPub = publisher.publishBatch.bind(publisher);
  publisher.publishBatch = async (m) => { const t = performance.now(); const r = await realPub(m); pubT.push(performance.now() - t); return r; };
  const ds = app.get<DataSource>(getDataSourceToken());
  const outbox = app.get(OutboxService);
  const commits = new Map<string, number>();
  const commitDur: number[] = [];
  const N = 3000;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < N; i++) {
    const due = start + i; // 1000/s
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push((async () => {
      const t0 = performance.now();
      const [id] = await ds.transaction((m) => outbox.publish(m, { destination: dest, type: 't', payload: { i } }));
      const t1 = performance.now();
      commits.set(id, t1); commitDur.push(t1 - t0);
    })());
  }
  await Promise.all(inflight);
  while (arrivals.size < N) await new Promise((r) => setTimeout(r, 20));
  const lat = [...commits].map(([id, t]) => arrivals.get(id)! - t).sort((a, b) => a - b);
  const p = (a: number[], q: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) * q)].toFixed(2); };
  console.log(`C=${process.env.C ?? 4} latency p50 ${p(lat, 0.5)} p99 ${p(lat, 0.99)} | claim p50 ${p(claimT, 0.5)} (${claimT.length} non-empty) | publishBatch p50 ${p(pubT, 0.5)} | tx p50 ${p(commitDur, 0.5)}`);
  await conn.close(); await app.close(); process.exit(0);
}
main();
