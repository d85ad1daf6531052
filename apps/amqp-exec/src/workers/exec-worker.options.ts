import { InvalidOptionError } from '@courier-nest/core';
import { OptionChecks } from '@courier-nest/core/internal';
import { integerList, MAX_MS, resolveCommonWorkerOptions } from './worker-option.checks';
import type { WorkerLogger } from './worker.interface';

export interface ExecWorkerOptions {
  /** The executable: a path, or a name looked up in `PATH`. Run without a shell. */
  command: string;
  /** @default [] */
  args?: string[];
  /** Exit codes that mean "try again later" (`requeue`), e.g. `[75]` (EX_TEMPFAIL). */
  retryExitCodes: number[];
  /** How long one run may take before its process group is stopped and the message requeued. */
  timeoutMs: number;
  /** Delay asked for with every `requeue` outcome but an abort. @default undefined (the runner's) */
  retryDelayMs?: number;
  /**
   * How long a message waits before it is given back when the worker cannot run at all
   * (the command cannot start, the FastCGI server is unreachable). Not an attempt. @default 1000
   */
  unavailableDelayMs?: number;
  /** Added to this process's environment (the `AMQP_EXEC_*` variables win over both). */
  env?: Record<string, string>;
  /** After SIGTERM on timeout or abort, how long the command has before SIGKILL. @default 2000 */
  killGraceMs?: number;
  /** Stdout plus stderr bytes logged per message; the rest is dropped. @default 65536 */
  maxOutputBytes?: number;
  logger: WorkerLogger;
}

export type ResolvedExecWorkerOptions = Required<Omit<ExecWorkerOptions, 'retryDelayMs'>> &
  Pick<ExecWorkerOptions, 'retryDelayMs'>;

/** Defaults and checks, once, when the worker is built: a typo fails at startup, not per message. */
export function resolveExecWorkerOptions(options: ExecWorkerOptions): ResolvedExecWorkerOptions {
  if (typeof options.command !== 'string' || options.command.length === 0) {
    throw new InvalidOptionError('command', 'Option "command" must be a non-empty string.');
  }
  return {
    command: options.command,
    args: [...(options.args ?? [])],
    // 0 is success, never a retry; the range matches amqp-exec's `retryExitCodes` setting.
    retryExitCodes: integerList('retryExitCodes', options.retryExitCodes, 1, 255),
    ...resolveCommonWorkerOptions(options),
    env: { ...options.env },
    killGraceMs: OptionChecks.integer('killGraceMs', options.killGraceMs ?? 2000, 0, MAX_MS),
    logger: options.logger,
  };
}
