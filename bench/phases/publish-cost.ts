import { performance } from 'node:perf_hooks';
import { RabbitMQConnection } from '@courier-nest/rabbitmq';
import { waitFor } from '../../test/harness/wait-for';
import type { BenchContext } from '../support/bench-context';
import { benchMessage, bootBenchApp } from '../support/bench-messages';

export interface PublishCostResult {
  /** ms per transaction: BEGIN; INSERT one row; COMMIT. */
  plain: number[];
  /** ms per transaction: the same plus `outbox.publish(manager, message)`. */
  withPublish: number[];
}

const WARM_UP_PAIRS = 200;

/**
 * What `publish` adds to a transaction: `pairs` plain transactions and `pairs` with
 * one publish, run one at a time, interleaved (AB, BA, AB, …) so drift and the relay's
 * work (it runs, as in a service) fall on both alike.
 */
export async function measurePublishCost(context: BenchContext, pairs: number): Promise<PublishCostResult> {
  const schema = context.newSchema('cost');
  const bench = await bootBenchApp(schema, { enabled: true });
  try {
    await bench.app.get(RabbitMQConnection).waitUntilConnected();
    await context.db.query(
      `CREATE TABLE "${schema}".bench_rows (id bigserial PRIMARY KEY, note text NOT NULL)`,
    );
    const insert = `INSERT INTO "${schema}".bench_rows (note) VALUES ($1)`;
    let seq = 0;
    const plainTx = async (): Promise<number> => {
      const started = performance.now();
      await bench.dataSource.transaction(async (manager) => {
        await manager.query(insert, ['plain']);
      });
      return performance.now() - started;
    };
    const publishTx = async (): Promise<number> => {
      const message = benchMessage(context, seq++);
      const started = performance.now();
      await bench.dataSource.transaction(async (manager) => {
        await manager.query(insert, ['with publish']);
        await bench.outbox.publish(manager, message);
      });
      return performance.now() - started;
    };

    const plain: number[] = [];
    const withPublish: number[] = [];
    for (let i = 0; i < WARM_UP_PAIRS + pairs; i++) {
      const record = i >= WARM_UP_PAIRS;
      let a: number;
      let b: number;
      if (i % 2 === 0) {
        a = await plainTx();
        b = await publishTx();
      } else {
        b = await publishTx();
        a = await plainTx();
      }
      if (record) {
        plain.push(a);
        withPublish.push(b);
      }
    }
    await waitFor(() => context.isEmpty(schema), 'the relay to publish the cost-test messages');
    return { plain, withPublish };
  } finally {
    await bench.app.close();
    await context.purgeQueue();
  }
}
