import type { Client } from 'pg';
import { dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';
import { freePort, SampleAppProcess } from '../harness/sample-app-process';
import { waitFor } from '../harness/wait-for';

/** A URL's password: PostgreSQL here trusts local connections, so any password still connects. */
function withPassword(url: string, password: string): { url: string; secret: string } {
  const parsed = new URL(url);
  if (!parsed.password) parsed.password = password;
  return { url: parsed.href, secret: decodeURIComponent(parsed.password) };
}

describe('sample services: broker and database credentials', () => {
  const service = uniqueName('h_fix_secrets');
  let db: Client;
  let shipping: SampleAppProcess | undefined;

  beforeAll(async () => {
    db = await openDatabase();
  });

  afterAll(async () => {
    await shipping?.stop();
    await dropSchema(db, service);
    await db.end();
  });

  it('with an unreachable broker whose URL holds a user-only secret, no log line and no health report shows it', async () => {
    const token = 'Us3r-0nly-T0ken';
    const database = withPassword(DATABASE_URL, 'Pg-Pa55word');
    const port = await freePort(); // nothing listens there
    shipping = await SampleAppProcess.start(
      'shipping',
      {
        SERVICE_NAME: service,
        COURIER_SCHEMA: service,
        LOG_LEVEL: 'debug',
        DATABASE_URL: database.url,
        AMQP_URL: `amqp://${token}@127.0.0.1:${port}/?auth=${token}`,
      },
      'live',
    );
    // The inbox's consumers wait 5 s for the connection, then warn that it is not reachable.
    await waitFor(() => shipping!.output.some((line) => line.includes('not reachable')), 'the warning', {
      timeoutMs: 30_000,
    });
    const ready = await fetch(`${shipping.url}/health/ready`);
    const health = await ready.text();

    expect(ready.status).toBe(503);
    expect(health).toContain('not connected to RabbitMQ');
    const logs = shipping.output.join('\n');
    expect(logs).toContain(`RabbitMQ not reachable at amqp://***@127.0.0.1:${port}/?auth=*** within 5000 ms`);
    for (const secret of [token, database.secret]) {
      expect(logs).not.toContain(secret);
      expect(health).not.toContain(secret);
    }
  });
});
