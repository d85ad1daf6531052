#!/usr/bin/env node
/**
 * amqp-exec: consume a RabbitMQ queue and hand each message to a command (payload on
 * stdin) or a FastCGI server. `amqp-exec --help` lists the settings.
 *
 * Exit codes: 0 after SIGTERM/SIGINT drained the running commands; 2 for a bad
 * configuration (one line on stderr naming the setting); 1 for anything unexpected.
 */
import { loadConfig, runOrExit2 } from './config';
import { redactUrlsInText } from '@courier-nest/core/internal';
import { AmqpExecLogger } from './logging';
import { AmqpExec } from './cli/amqp-exec.runner';
import { killAllCommands } from './workers';

const VERSION = '0.1.0';

async function main(): Promise<void> {
  const result = runOrExit2(() =>
    loadConfig({ argv: process.argv.slice(2), env: process.env, version: VERSION }),
  );
  if (result.action === 'print') {
    process.stdout.write(`${result.text}\n`);
    return;
  }
  const { config } = result;
  const logger = new AmqpExecLogger({
    format: config.logFormat,
    level: config.logLevel,
    fields: { queue: config.queue },
  });
  result.warnings.forEach((warning) => logger.warn(warning));
  const app = new AmqpExec(config, logger);
  let stopping: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals) => {
    logger.info(`received ${signal}`);
    if (stopping) {
      // A second signal: the operator will not wait for the drain.
      logger.warn('second signal: exiting now; running commands are killed, their messages redelivered');
      killAllCommands();
      process.exit(1);
    }
    stopping = app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await app.start();
  logger.info('started', {
    worker: config.worker.type,
    concurrency: config.concurrency,
    prefetch: config.prefetch,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `amqp-exec: ${redactUrlsInText(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exit(1);
});
