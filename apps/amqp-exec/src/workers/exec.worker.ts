import type { Message } from '@courier-nest/consumer';
import { Outcome, type ProcessContext, type ProcessOutcome } from '@courier-nest/consumer';
import { redactUrlsInText } from '@courier-nest/core/internal';
import { runCommand, type CommandResult } from './command.runner';
import {
  resolveExecWorkerOptions,
  type ExecWorkerOptions,
  type ResolvedExecWorkerOptions,
} from './exec-worker.options';
import { JobOutput } from './job-output.capture';
import { messageAttributesJson } from './message-attributes.util';
import type { Worker } from './worker.interface';

/**
 * Runs a command per message: the payload on stdin (byte for byte), the attributes in
 * `AMQP_EXEC_ATTRIBUTES` (JSON), `AMQP_EXEC_MESSAGE_ID` and `AMQP_EXEC_ATTEMPT`; stdout is
 * logged at info, stderr at error. Exit 0 → ack; a code in `retryExitCodes` → requeue;
 * any other code or a signal → reject with the last stderr lines; timeout or abort → the
 * process group is stopped and the message requeued.
 */
export class ExecWorker implements Worker {
  private readonly options: ResolvedExecWorkerOptions;

  constructor(options: ExecWorkerOptions) {
    this.options = resolveExecWorkerOptions(options);
  }

  async process(message: Message, context: ProcessContext): Promise<ProcessOutcome> {
    if (context.signal.aborted) return Outcome.requeue('aborted before the command started');
    const { command, args, timeoutMs, killGraceMs, logger } = this.options;
    const fields = { messageId: message.id, command };
    const output = new JobOutput(logger, fields, this.options.maxOutputBytes);
    const result = await runCommand({
      command,
      args,
      env: this.environment(message),
      stdin: message.payload,
      timeoutMs,
      killGraceMs,
      signal: context.signal,
      output,
    });
    return this.outcome(result, output, fields);
  }

  private outcome(result: CommandResult, output: JobOutput, fields: Record<string, unknown>): ProcessOutcome {
    const { retryDelayMs, timeoutMs, retryExitCodes, logger } = this.options;
    const stderr = output.lastErrorLines();
    const withStderr = (reason: string) => (stderr ? `${reason}: ${stderr}` : reason);
    switch (result.kind) {
      case 'spawn-failed': {
        const reason = `cannot start command: ${result.error.message}`;
        logger.error(reason, { ...fields, code: result.error.code });
        // E2BIG: this message's attributes do not fit in the environment; others may.
        if (result.error.code === 'E2BIG') return Outcome.reject(reason);
        // Anything else (ENOENT, EACCES, …) is configuration every message would hit.
        // Dead-lettering them all would empty the queue into the error queue for one typo;
        // released, they wait (held, then given back, not counted as attempts) until it is fixed.
        return Outcome.release(reason, this.options.unavailableDelayMs);
      }
      case 'timeout':
        logger.error(`command timed out after ${timeoutMs} ms; its process group was killed`, fields);
        return Outcome.requeue(`timed out after ${timeoutMs} ms`, retryDelayMs);
      case 'aborted':
        // The runner is stopping: given back untouched, not an attempt.
        return Outcome.release('aborted: the command was stopped', 0);
      case 'exited':
        if (result.code === 0) return Outcome.ack();
        if (result.code !== null && retryExitCodes.includes(result.code)) {
          return Outcome.requeue(`exit code ${result.code}`, retryDelayMs);
        }
        return Outcome.reject(
          redactUrlsInText(
            withStderr(
              result.code !== null
                ? `command exited with code ${result.code}`
                : `command was killed by signal ${result.signal}`,
            ),
          ),
        );
    }
  }

  private environment(message: Message): NodeJS.ProcessEnv {
    // NUL cannot be passed in an environment variable (spawn would throw); an AMQP
    // short string may hold one, so it is dropped from the id rather than failing the job.
    const messageId = message.id.replace(/\0/g, '');
    return {
      ...withoutBrokerSecrets(process.env),
      ...this.options.env,
      AMQP_EXEC_ATTRIBUTES: messageAttributesJson(message),
      AMQP_EXEC_MESSAGE_ID: messageId,
      AMQP_EXEC_ATTEMPT: String(message.attempt),
    };
  }
}

/** amqp-exec's own connection settings (the broker password) are not the command's business. */
const BROKER_SECRETS = ['AMQP_URL', 'AMQP_EXEC_URL', 'AMQP_EXEC_CONFIG'];

function withoutBrokerSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  for (const name of BROKER_SECRETS) delete rest[name];
  return rest;
}
