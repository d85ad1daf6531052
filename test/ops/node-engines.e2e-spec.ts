import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { satisfies, subset, validRange } from 'semver';
import { list, readJson, readText, record, REPO_ROOT, text, type Data } from './ops-files';

// The Node.js versions each package's `engines` promises, checked against what its dependencies
// declare, and the docs and the image checked against those promises. No service is started.

/** A package.json as node would find it from `fromDir` (node_modules up the tree), or undefined. */
function installedManifest(name: string, fromDir: string): Data | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return readJson(candidate.slice(REPO_ROOT.length + 1)) as Data;
    if (dir === dirname(dir) || !dir.startsWith(REPO_ROOT)) return undefined;
  }
}

/** `^20.19.0 || ^22.13.0 || >=24.11.0` as the docs say it: `20.19+, 22.13+ or 24.11+`. */
function inWords(range: string): string {
  const floors = range.split('||').map((part) => {
    const match = /^\s*(?:\^|>=)(\d+)\.(\d+)\.\d+\s*$/.exec(part);
    if (!match) throw new Error(`engines range part "${part}" is not ^X.Y.Z or >=X.Y.Z`);
    return `${match[1]}.${match[2]}+`;
  });
  return floors.length === 1 ? floors[0] : `${floors.slice(0, -1).join(', ')} or ${floors.at(-1)}`;
}

const manifest = (dir: string) => record(readJson(`${dir}/package.json`), `${dir}/package.json`);
const enginesOf = (dir: string) =>
  text(record(manifest(dir).engines, `${dir} engines`).node, `${dir} engines.node`);

const root = manifest('.');
const packages = list(root.workspaces, 'workspaces').map((w) => text(w, 'workspace'));
const libraryRange = enginesOf(packages[0]);
const workspaceRange = enginesOf('.');

/** Every dependency and peer of a package that is installed with an `engines.node`. */
function declaredEngines(dir: string): Array<{ dependency: string; range: string }> {
  const own = manifest(dir);
  const names = [
    ...Object.keys(record(own.dependencies ?? {}, 'dependencies')),
    ...Object.keys(record(own.peerDependencies ?? {}, 'peerDependencies')),
  ].filter((name) => !name.startsWith('@courier-nest/'));
  const optional = record(own.peerDependenciesMeta ?? {}, 'peerDependenciesMeta');
  return names.flatMap((dependency) => {
    const installed = installedManifest(dependency, join(REPO_ROOT, dir));
    // An optional peer this workspace cannot hold (golevelup 9 needs Nest 11; the workspace is
    // on 12) is checked where it is installed: test/golevelup. golevelup 9.0.2 declares no engines.
    if (!installed && (optional[dependency] as { optional?: boolean } | undefined)?.optional) return [];
    if (!installed) throw new Error(`${dir}: ${dependency} is not installed; run npm ci`);
    const range = record(installed.engines ?? {}, `${dependency} engines`).node;
    return typeof range === 'string' ? [{ dependency, range }] : [];
  });
}

describe('Node.js versions', () => {
  it('every package of the workspace promises the same versions, a valid range', () => {
    expect(validRange(libraryRange)).not.toBeNull();
    for (const dir of packages) expect({ dir, node: enginesOf(dir) }).toEqual({ dir, node: libraryRange });
  });

  it.each(packages)('%s: every dependency and peer supports every version its engines admit', (dir) => {
    const declared = declaredEngines(dir);
    expect(declared.length).toBeGreaterThan(0);
    for (const { dependency, range } of declared)
      expect({ dependency, range, admits: subset(libraryRange, range) }).toEqual({
        dependency,
        range,
        admits: true,
      });
  });

  it('the workspace (the sample services, amqp-exec, the libs) supports every version its engines admit', () => {
    for (const { dependency, range } of declaredEngines('.'))
      expect({ dependency, range, admits: subset(workspaceRange, range) }).toEqual({
        dependency,
        range,
        admits: true,
      });
    // The sample services run the libraries: the workspace promises no version they do not.
    expect(subset(workspaceRange, libraryRange)).toBe(true);
  });

  it('the image runs the sample services on a Node.js the workspace admits', () => {
    const images = readText('Dockerfile')
      .split('\n')
      .filter((line) => /^FROM\s/i.test(line))
      .map((line) => line.split(/\s+/)[1]);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      const version = /^node:(\d+\.\d+\.\d+)-slim$/.exec(image)?.[1];
      expect({ image, admitted: version !== undefined && satisfies(version, workspaceRange) }).toEqual({
        image,
        admitted: true,
      });
    }
  });

  it('the README and getting-started say the versions the engines promise, and the image', () => {
    const prose = (file: string) => readText(file).replace(/\s+/g, ' '); // lines wrap anywhere
    const readme = prose('README.md');
    expect(readme).toContain(`libraries (and amqp-exec) run on Node.js ${inWords(libraryRange)}`);
    expect(readme).toContain(`need Node.js ${inWords(workspaceRange)}`);
    const image = /^FROM\s+(\S+)/m.exec(readText('Dockerfile'))![1];
    expect(readme).toContain(`\`${image}\``);
    const gettingStarted = prose('docs/getting-started.md');
    // Its services use the packages and TypeORM, not nestjs-pino: the libraries' range is theirs.
    expect(gettingStarted).toContain(
      `Node.js ${inWords(libraryRange)} (the lines TypeORM 1 and Terminus accept)`,
    );
  });
});
