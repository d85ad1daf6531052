import type { ProcessMessage } from '../support/bench-process';
import { runOpenLoop } from '../support/open-loop';
import { sharedNowMs } from '../support/shared-clock';

type Handler = (message: ProcessMessage) => ProcessMessage | Promise<ProcessMessage>;

/**
 * The child's side of BenchProcess: answers each request type with its handler's reply,
 * 'clock' with this process's reading of the shared clock, and 'stop' by `stop()` and
 * exit. Then says 'ready'.
 */
export function serveBench(handlers: Record<string, Handler>, stop: () => Promise<void>): void {
  process.on('message', (message: ProcessMessage) => {
    if (message.type === 'clock') {
      process.send?.({ type: 'clock', receivedAt: sharedNowMs() });
      return;
    }
    if (message.type === 'stop') {
      void stop().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[message.type];
    if (!handler) {
      console.error(`unknown request ${message.type}`);
      return;
    }
    Promise.resolve(handler(message))
      .then((reply) => process.send?.(reply))
      .catch((error: Error) => {
        console.error(error);
        process.exit(1);
      });
  });
  process.send?.({ type: 'ready' });
}

/** A child's entry point: logs what went wrong and exits non-zero. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

/**
 * The reply to a producer's `run` request: `total` writes at `rate`/s (open loop), each
 * write's commit stamped on the shared clock under the id it returned.
 */
export async function replyToRun(
  { rate, total }: ProcessMessage,
  write: (seq: number) => Promise<string>,
): Promise<ProcessMessage> {
  const commits = new Map<string, number>();
  const { ms, errors } = await runOpenLoop(rate as number, total as number, write, commits, sharedNowMs);
  return { type: 'ran', commits: [...commits], ms, errors };
}
