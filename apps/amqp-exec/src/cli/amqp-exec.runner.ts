import { Logger } from '@nestjs/common';
import { ConsumerBuilder, type ConsumerRunner } from '@courier-nest/consumer';
import {
  createRabbitMQConnection,
  RabbitMQConsumerFactory,
  type RabbitMQConnection,
} from '@courier-nest/rabbitmq';
import type { AmqpExecConfig } from '../config';
import type { AmqpExecLogger } from '../logging';
import { killAllCommands } from '../workers';
import { createWorker } from './create-worker';

/** Time a worker gets past its own timeout to stop its command before the runner gives up on it. */
const RUNNER_TIMEOUT_MARGIN_MS = 5_000;

/**
 * amqp-exec without the process around it: connect, consume `config.queue` through the
 * consumer component, hand each message to the worker. `stop()` drains (bounded by
 * `shutdownTimeout`) and closes the connection.
 */
export class AmqpExec {
  private readonly connection: RabbitMQConnection;
  private readonly runner: ConsumerRunner;

  constructor(
    private readonly config: AmqpExecConfig,
    private readonly logger: AmqpExecLogger,
  ) {
    Logger.overrideLogger(logger); // the libraries' own lines (connection, runner) in our format
    this.connection = createRabbitMQConnection({
      uri: config.url,
      connectionName: `amqp-exec ${config.queue}`,
    });
    const worker = createWorker(config, logger);
    this.runner = new ConsumerBuilder(
      new RabbitMQConsumerFactory(this.connection, {
        queue: config.queue,
        deadLetterQueue: config.deadLetterQueue,
        declareQueue: config.declareQueue,
      }),
    )
      .withProcessor((message, context) => worker.process(message, context))
      .withConcurrency(config.concurrency, config.prefetch)
      .withRetries(config.maxAttempts, {
        initialDelayMs: config.retryDelay,
        maxDelayMs: config.retryMaxDelay,
      })
      .withProcessTimeout(config.timeout + RUNNER_TIMEOUT_MARGIN_MS)
      .withShutdownTimeout(config.shutdownTimeout)
      .withLogger(logger)
      .build();
  }

  async start(): Promise<void> {
    await this.connection.connect();
    this.runner.start();
  }

  waitUntilConsuming(timeoutMs?: number): Promise<void> {
    return this.runner.waitUntilConsuming(timeoutMs);
  }

  async stop(): Promise<void> {
    this.logger.info('stopping: no new messages; waiting for running commands', {
      queue: this.config.queue,
      in_flight: this.runner.inFlight,
    });
    await this.runner.stop();
    killAllCommands(); // those still running after the drain's timeout
    await this.connection.close();
    this.logger.info('stopped', { queue: this.config.queue });
  }
}
