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
};
