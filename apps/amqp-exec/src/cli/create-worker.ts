import type { AmqpExecConfig } from '../config';
import type { AmqpExecLogger } from '../logging';
import { ExecWorker, FastCgiWorker, type Worker } from '../workers';

/** The worker the configuration asks for: a command per message, or a FastCGI server. */
export function createWorker(config: AmqpExecConfig, logger: AmqpExecLogger): Worker {
  const { worker } = config;
  if (worker.type === 'exec') {
    return new ExecWorker({
      command: worker.command,
      args: [...worker.args],
      retryExitCodes: [...config.retryExitCodes],
      timeoutMs: config.timeout,
      unavailableDelayMs: config.retryDelay,
      logger,
    });
  }
  return new FastCgiWorker({
    address: worker.address,
    scriptFilename: worker.scriptFilename,
    retryStatuses: [...config.retryStatuses],
    timeoutMs: config.timeout,
    unavailableDelayMs: config.retryDelay,
    logger,
  });
}
