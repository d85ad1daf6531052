import type { ExecFileOptions as ExecOptions } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './package-tarballs';

/**
 * npm's default caching, as a user's install has: with --prefer-offline, a cached packument
 * older than a version some package asks for fails the install with ETARGET.
 */
const installFlags = ['--no-audit', '--no-fund', '--loglevel=error'];

/**
 * An empty npm project outside the repository (so no workspace, `paths` or hoisted
 * node_modules of ours can help it), as a user's app starts.
 */
export class TempProject {
  private constructor(readonly dir: string) {}

  static async create(prefix: string): Promise<TempProject> {
    const dir = await mkdtemp(join(tmpdir(), `courier-${prefix}-`));
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'probe', version: '1.0.0', private: true }),
    );
    return new TempProject(dir);
  }

  /** `npm install <specs>` (npm flags may be among them); npm 7+ adds the required peer dependencies. */
  async install(...specs: string[]): Promise<void> {
    await this.npm('install', ...installFlags, ...specs);
  }

  async npm(...args: string[]): Promise<string> {
    return this.exec('npm', args);
  }

  /** Runs a file of this project with Node; rejects with its output when it exits non-zero. */
  async node(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 60_000): Promise<string> {
    return this.exec(process.execPath, args, { env: { ...process.env, ...env }, timeout });
  }

  /** The repository's TypeScript compiler, run on a tsconfig of this project. */
  async tsc(tsconfig: string): Promise<void> {
    await this.exec(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig]);
  }

  /** Runs a command here; a failure carries the command's output (tsc reports on stdout). */
  private async exec(file: string, args: string[], options: ExecOptions = {}): Promise<string> {
    try {
      const { stdout } = await run(file, args, {
        cwd: this.dir,
        maxBuffer: 64 << 20,
        ...options,
        encoding: 'utf8',
      });
      return stdout;
    } catch (error) {
      const e = error as { message?: string; stdout?: string; stderr?: string };
      throw new Error([e.message, e.stdout, e.stderr].filter(Boolean).join('\n'));
    }
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
