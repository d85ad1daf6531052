import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The rows of a `rabbitmqctl list_*` command, as their tab-separated columns. */
async function listRows(command: string, columns: string[]): Promise<string[][]> {
  const { stdout } = await run('rabbitmqctl', [command, '--quiet', '--no-table-headers', ...columns]);
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

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
    const pids = (await listRows('list_connections', ['pid', 'client_properties']))
      .filter(([, properties]) => properties?.includes(`{"connection_name","${connectionName}"}`))
      .map(([pid]) => pid);
    for (const pid of pids) await run('rabbitmqctl', ['close_connection', pid, 'closed by a test']);
    return pids.length;
  },
  /** Deliveries of this queue handed to consumers and not yet acked, as the broker counts them. */
  async unacknowledged(queue: string): Promise<number> {
    const row = (await listRows('list_queues', ['name', 'messages_unacknowledged'])).find(
      ([name]) => name === queue,
    );
    if (!row) throw new Error(`rabbitmqctl does not list queue ${queue}`);
    return Number(row[1]);
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
