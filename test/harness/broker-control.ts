import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Stops and starts the RabbitMQ application on this machine's node (the Erlang VM
 * stays up): every client connection drops, durable queues keep persistent messages.
 */
export const brokerControl = {
  async stop(): Promise<void> {
    await run('rabbitmqctl', ['stop_app']);
  },
  async start(): Promise<void> {
    await run('rabbitmqctl', ['start_app']);
    await run('rabbitmqctl', ['await_startup']);
  },
  /** Closes every client connection with this name, as a network failure would. */
  async closeConnections(connectionName: string): Promise<number> {
    const { stdout } = await run('rabbitmqctl', [
      'list_connections',
      '--quiet',
      '--no-table-headers',
      'pid',
      'client_properties',
    ]);
    const pids = stdout
      .split('\n')
      .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
      .map((line) => line.split('\t')[0]);
    for (const pid of pids) await run('rabbitmqctl', ['close_connection', pid, 'closed by a test']);
    return pids.length;
  },
  /** Deliveries of this queue handed to consumers and not yet acked, as the broker counts them. */
  async unacknowledged(queue: string): Promise<number> {
    const { stdout } = await run('rabbitmqctl', [
      'list_queues',
      '--quiet',
      '--no-table-headers',
      'name',
      'messages_unacknowledged',
    ]);
    const row = stdout.split('\n').find((line) => line.split('\t')[0] === queue);
    if (!row) throw new Error(`rabbitmqctl does not list queue ${queue}`);
    return Number(row.split('\t')[1]);
  },
  /** Raises a memory alarm: the broker blocks every publishing connection. */
  async raiseMemoryAlarm(): Promise<void> {
    await run('rabbitmqctl', ['set_vm_memory_high_watermark', '0.0000001']);
  },
  /** Back to RabbitMQ's default watermark (0.4 of RAM). */
  async clearMemoryAlarm(): Promise<void> {
    await run('rabbitmqctl', ['set_vm_memory_high_watermark', '0.4']);
  },
};
