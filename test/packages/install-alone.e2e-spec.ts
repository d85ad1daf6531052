import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  manifestOf,
  packageDirs,
  packageNames,
  packageTarballs,
  repoRoot,
  run,
  withSiblings,
  type PackageName,
} from './package-tarballs';
import { TempProject } from './temp-project';

const libraries = packageNames.filter((name) => name !== '@courier-nest/amqp-exec');

// A user's strict project: our .d.ts are checked too (skipLibCheck false), against the
// peers' own types. Like any Node project's (Nest's template lists it too) it names the node
// types, which TypeScript 6 no longer includes by default; @types/node comes with @types/pg,
// a dependency of core.
const strictTsconfig = {
  compilerOptions: {
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
  },
  files: ['index.ts'],
};

/** Imports every name the package exports at run time, so each must be declared too. */
async function writeImportOfEveryExport(project: TempProject, name: PackageName): Promise<void> {
  const script = `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(name)}))))`;
  const names = (JSON.parse(await project.node(['-e', script])) as string[]).filter(
    (n) => n !== '__esModule',
  );
  expect(names.length).toBeGreaterThan(0);
  const source = [
    `import * as lib from ${JSON.stringify(name)};`,
    `import { ${names.join(', ')} } from ${JSON.stringify(name)};`,
    `export const exported: unknown[] = [lib, ${names.join(', ')}];`,
  ].join('\n');
  await writeFile(project.path('index.ts'), `${source}\n`);
  await writeFile(project.path('tsconfig.json'), JSON.stringify(strictTsconfig));
}

describe('each package installed alone from its tarball', () => {
  let tarballs: Record<PackageName, string>;
  const projects: TempProject[] = [];
  // Each check runs from beforeAll on, side by side with the others (npm's cache is safe to
  // share, and the compilers use both cores); each test awaits its own.
  const checks = new Map<string, Promise<string>>();

  function start(key: string, check: () => Promise<string>): void {
    const running = check();
    running.catch(() => undefined); // reported by the test that awaits it
    checks.set(key, running);
  }

  async function installed(name: PackageName): Promise<TempProject> {
    const project = await TempProject.create('alone');
    projects.push(project);
    await project.install(...withSiblings(name).map((sibling) => tarballs[sibling]));
    return project;
  }

  beforeAll(async () => {
    tarballs = await packageTarballs();
    for (const name of libraries) {
      start(name, async () => {
        const project = await installed(name);
        const optionalPeers = Object.entries(manifestOf(name).peerDependenciesMeta ?? {})
          .filter(([, meta]) => meta.optional)
          .map(([peer]) => peer);
        expect(optionalPeers.filter((peer) => existsSync(project.path('node_modules', peer)))).toEqual([]);
        await project.node(['-e', `require(${JSON.stringify(name)})`]);
        await writeImportOfEveryExport(project, name);
        await project.tsc('tsconfig.json');
        return 'compiled';
      });
    }
    start('amqp-exec alone', async () => {
      const project = await installed('@courier-nest/amqp-exec');
      return project.node([project.path('node_modules/.bin/amqp-exec'), '--help']);
    });
    start('courier-console alone', async () => {
      const project = await installed('@courier-nest/console');
      return project.node([project.path('node_modules/.bin/courier-console'), '--help']);
    });
    start('amqp-exec global', async () => {
      const prefix = await TempProject.create('global');
      projects.push(prefix);
      const specs = withSiblings('@courier-nest/amqp-exec').map((name) => tarballs[name]);
      await prefix.install('-g', '--prefix', prefix.dir, ...specs);
      // Run as a shell would: the bin itself (its #! line), not through node.
      const { stdout } = await run(join(prefix.dir, 'bin', 'amqp-exec'), ['--help'], { encoding: 'utf8' });
      return stdout;
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(checks.values());
    await Promise.all(projects.map((project) => project.remove()));
  }, 60_000);

  it.each(libraries)(
    '%s loads with require() and its public names compile under tsc --strict',
    async (name) => {
      await expect(checks.get(name)).resolves.toBe('compiled');
    },
    240_000,
  );

  it('amqp-exec installed alone gives a bin that prints its usage', async () => {
    await expect(checks.get('amqp-exec alone')).resolves.toMatch(
      /^Usage: amqp-exec --url <uri> --queue <name>/,
    );
  }, 240_000);

  it('the console installed alone gives a courier-console bin that prints its usage', async () => {
    await expect(checks.get('courier-console alone')).resolves.toMatch(
      /^courier-console: look at, replay and purge/,
    );
  }, 240_000);

  it('amqp-exec installed with npm install -g gives a working amqp-exec command', async () => {
    await expect(checks.get('amqp-exec global')).resolves.toMatch(
      /^Usage: amqp-exec --url <uri> --queue <name>/,
    );
  }, 240_000);
});

/** Files a package serves as they are, beside its built code: the console's web page. */
const shippedAssets: Partial<Record<PackageName, RegExp>> = {
  '@courier-nest/console': /^page\/[a-z0-9-]+\.(html|js|css)$/,
};

describe('what npm pack puts in each tarball', () => {
  let packs: Array<{ name: PackageName; files: Array<{ path: string }> }>;

  beforeAll(async () => {
    await packageTarballs(); // builds dist
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--workspaces'], {
      cwd: repoRoot,
      maxBuffer: 64 << 20,
    });
    packs = JSON.parse(stdout) as typeof packs;
  }, 240_000);

  it('packs every package of packageDirs', () => {
    expect(packs.map((p) => p.name).sort()).toEqual([...packageNames].sort());
  });

  it.each(packageNames)(
    '%s holds only its own built .js / .d.ts files, package.json and its assets',
    (name) => {
      const files = packs.find((p) => p.name === name)!.files.map((f) => f.path);
      const dir = join(repoRoot, packageDirs[name]);
      const extras = files.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f));
      const assets = shippedAssets[name];
      expect(
        extras.filter((f) => !/^(package\.json|README(\.md)?|LICENSE(\.md)?)$/i.test(f) && !assets?.test(f)),
      ).toEqual([]);
      if (assets) expect(extras.filter((f) => assets.test(f)).length).toBeGreaterThan(0);
      expect(files).toContain('package.json');
      const built = files.filter((f) => f.startsWith('dist/'));
      expect(built).toContain(name === '@courier-nest/amqp-exec' ? 'dist/main.js' : 'dist/index.d.ts');
      expect(built.filter((f) => /\.spec\.|\/testing\/|(^|\/)test\//.test(f))).toEqual([]);
      // Every built file comes from a source file of this package: no other lib's code, no stale output.
      const withoutSource = built.filter(
        (f) => !existsSync(join(dir, f.replace(/^dist\//, 'src/').replace(/\.(d\.ts|js)$/, '.ts'))),
      );
      expect(withoutSource).toEqual([]);
    },
  );
});
