import { spawn, type ChildProcess } from 'node:child_process';
import type { JobOutput } from './job-output.capture';
import { signalProcessGroup } from './process-group.util';

export interface CommandRun {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  stdin: Buffer;
  timeoutMs: number;
  killGraceMs: number;
  signal: AbortSignal;
  output: JobOutput;
}

export type CommandResult =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'timeout' | 'aborted' }
  | { kind: 'spawn-failed'; error: NodeJS.ErrnoException };

/**
 * After the command exits, how long its stdout/stderr may stay open. A descendant that left
 * the process group (setsid) can hold them open forever; this bounds the wait for it.
 */
const STDIO_DRAIN_MS = 1000;

/**
 * Runs one command to the end, without a shell, in a process group of its own, and always
 * leaves that group empty: on timeout or abort the group gets SIGTERM, then SIGKILL after
 * `killGraceMs`; when the command itself exits, whatever it left running in its group is
 * SIGKILLed, so background children do not pile up over thousands of messages.
 * Never rejects; all state is local to the call.
 */
/** Process groups of commands still running: what a shutdown must not leave behind. */
const liveGroups = new Set<number>();

/**
 * SIGKILLs every command group still running. For shutdown: amqp-exec exits once its
 * drain is over, before a command that ignores SIGTERM would get its SIGKILL, and a
 * command left behind would run again in parallel when the broker redelivers its message.
 */
export function killAllCommands(): void {
  for (const pid of liveGroups) signalProcessGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

export function runCommand(run: CommandRun): Promise<CommandResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(run.command, run.args, { detached: true, stdio: 'pipe', env: run.env });
    } catch (error) {
      resolve({ kind: 'spawn-failed', error: error as NodeJS.ErrnoException });
      return;
    }
    if (child.pid !== undefined) liveGroups.add(child.pid);
    let stoppedFor: 'timeout' | 'aborted' | undefined;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const stdout = run.output.stream('stdout');
    const stderr = run.output.stream('stderr');

    const stop = (why: 'timeout' | 'aborted') => {
      if (stoppedFor || exited || child.pid === undefined) return;
      stoppedFor = why;
      signalProcessGroup(child.pid, 'SIGTERM');
      graceTimer = setTimeout(() => signalProcessGroup(child.pid!, 'SIGKILL'), run.killGraceMs);
    };
    const onAbort = () => stop('aborted');
    const timeoutTimer = setTimeout(() => stop('timeout'), run.timeoutMs);
    const finish = (result: CommandResult) => {
      if (settled) return;
      settled = true;
      [timeoutTimer, graceTimer, drainTimer].forEach((timer) => clearTimeout(timer));
      run.signal.removeEventListener('abort', onAbort);
      stdout.end();
      stderr.end();
      resolve(result);
    };
    const finishExited = () => finish(stoppedFor ? { kind: stoppedFor } : { kind: 'exited', ...exited! });

    child.stdout!.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.write(chunk));
    // A command that does not read its stdin closes the pipe: EPIPE is its choice, not a failure.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(run.stdin);

    child.on('error', (error: NodeJS.ErrnoException) => {
      // Also emitted when a kill fails; only a missing pid means the command never started.
      if (child.pid === undefined) finish({ kind: 'spawn-failed', error });
    });
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      // The pid is reaped by now; its group id stays reserved while any member lives,
      // and ESRCH (none left) is ignored.
      signalProcessGroup(child.pid!, 'SIGKILL');
      liveGroups.delete(child.pid!);
      drainTimer = setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        finishExited();
      }, STDIO_DRAIN_MS);
    });
    child.once('close', () => {
      if (exited) finishExited();
    });
    if (run.signal.aborted) stop('aborted');
    else run.signal.addEventListener('abort', onAbort, { once: true });
  });
}
