import 'reflect-metadata';
import { OutboxService, OutboxRelay } from '@courier/outbox';
import { createOutboxApp } from '../test/harness/outbox-app';
async function main() {
  const app = await createOutboxApp({ outbox: { schema: 'probe_x1', relay: { enabled: false } } });
  console.log('booted', !!app.get(OutboxService), app.get(OutboxRelay).isRunning());
  await app.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
