import { execFileSync } from 'node:child_process';

/** Which code the figures belong to: the commit, and whether libs/ had uncommitted edits (read-only git). */
export function codeState(): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['--no-optional-locks', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'libs').split('\n').filter(Boolean).length;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ` + ${dirty} uncommitted file(s) in libs/` : ', libs/ clean'}`;
  } catch {
    return 'unknown (no git)';
  }
}
