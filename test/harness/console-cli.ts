import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ConsoleCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `courier-console <args>` in a child process, as an operator runs it (from the sources, with
 * SWC), with only PATH and `env` in its environment; resolves when it exits.
 */
export function runConsoleCli(args: readonly string[], env: Record<string, string>): Promise<ConsoleCliRun> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, '../../libs/console/src/cli/main.ts'), ...args],
    {
      cwd: join(__dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
