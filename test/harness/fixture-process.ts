import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs a test/fixtures/*.process.ts script in its own node process (through @swc-node/register)
 * and resolves once it says it is ready: its first IPC message. Rejects if it exits first or
 * is not ready within 60 s.
 */
export async function startFixtureProcess(script: string, args: string[]): Promise<ChildProcess> {
  const child = fork(join(__dirname, '../fixtures', script), args, {
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready within 60 s`)), 60_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return child;
}

/** Asks a fixture process to stop ('stop' over IPC), and kills it if it has not exited within 15 s. */
export async function stopFixtureProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
