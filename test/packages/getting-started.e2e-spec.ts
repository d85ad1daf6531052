import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import type { Client } from 'pg';
import { openDatabase } from '../harness/database';
import { AMQP_URL, DATABASE_URL, uniqueName } from '../harness/env';
import { codeBlocks, section, shellLines } from '../harness/markdown';
import { freePort } from '../harness/sample-app-process';
import { waitFor } from '../harness/wait-for';
import { NPM_ENV, packageDirs, packageTarballs, withSiblings, type PackageName } from './package-tarballs';

/**
 * docs/getting-started.md, followed as a new user would, outside this repository: `nest new`
 * makes the two apps, the page's install line installs the packed Courier packages and their
 * peers from the registry, every file the page shows is written from its code blocks, each app
 * builds with its own `npm run build` (nest build), and the two services ship an order. Once on
 * Nest 12 with TypeORM 1 (the page's first install line), once on Nest 11 with TypeORM 0.3 (its
 * Nest 11 line). The test changes only the exchange and service names (so that it shares no
 * queue with other suites) and gives each run a database of its own.
 */
const REPO = join(__dirname, '../..');
const run = promisify(execFile);

interface Line {
  name: string;
  cli: string;
  installLine: number;
  nestCore: RegExp;
  typeorm: RegExp;
}

const LINES: Line[] = [
  { name: 'Nest 12 + TypeORM 1', cli: '@nestjs/cli@12', installLine: 0, nestCore: /^12\./, typeorm: /^1\./ },
  {
    name: 'Nest 11 + TypeORM 0.3',
    cli: '@nestjs/cli@11',
    installLine: 1,
    nestCore: /^11\./,
    typeorm: /^0\.3\./,
  },
];

interface AppProcess {
  name: string;
  child: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<unknown>;
}

function firstMatch(text: string, pattern: RegExp, what: string): RegExpMatchArray {
  const match = text.match(pattern);
  if (!match) throw new Error(`getting-started.md no longer says ${what} (${pattern})`);
  return match;
}

/** Every installed copy of a package in an app's tree, with its version. */
async function installedCopies(appDir: string, name: string): Promise<string[]> {
  const { stdout } = await run('find', ['.', '-path', `*/node_modules/${name}/package.json`], {
    cwd: appDir,
    maxBuffer: 16 << 20,
  });
  const files = stdout.split('\n').filter(Boolean);
  return Promise.all(
    files.map(
      async (file) => (JSON.parse(await readFile(join(appDir, file), 'utf8')) as { version: string }).version,
    ),
  );
}

/** One line's run of the page: what it made, for the clean-up. */
interface LineState {
  suffix: string;
  database: string;
  exchanges: Map<string, string>; // the page's exchange → this run's
  services: Map<string, string>; // the page's serviceName → this run's
  apps: AppProcess[];
  dir?: string;
}

function newState(): LineState {
  const suffix = uniqueName('gs').slice(3);
  return { suffix, database: `gs_${suffix}`, exchanges: new Map(), services: new Map(), apps: [] };
}

/**
 * The page, followed on one line: creates, installs, builds and boots the two apps, checks
 * that each has one @nestjs/core, and ships an order.
 */
async function followTheGuide(
  line: Line,
  state: LineState,
  tarballs: Record<PackageName, string>,
): Promise<void> {
  const doc = await readFile(join(REPO, 'docs/getting-started.md'), 'utf8');
  const dir = await mkdtemp(join(tmpdir(), 'courier-getting-started-'));
  state.dir = dir;
  expect(dir.startsWith(REPO)).toBe(false);
  const env = { ...process.env, ...NPM_ENV };
  const shell = async (command: string, cwd: string) => {
    try {
      return await run('bash', ['-ec', command], { cwd, env, maxBuffer: 64 << 20 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`\`${command}\` in ${cwd} failed:\n${stdout ?? ''}${stderr ?? ''}`);
    }
  };

  // 1. "Create the apps", as written, with the CLI of this line's Nest major.
  const createLines = codeBlocks(section(doc, 'Create the apps'), 'sh').flatMap((b) => shellLines(b.code));
  const appNames = createLines.map(
    (cmd) => firstMatch(cmd, /^npx @nestjs\/cli new (\S+) /, 'how to create an app')[1],
  );
  expect(appNames).toEqual(['orders', 'shipping']);
  for (const cmd of createLines) await shell(cmd.replace('npx @nestjs/cli ', `npx -y ${line.cli} `), dir);

  // 2. "Install Courier": this line's install command in each app. The Courier packages come
  // from their tarballs, and so do the Courier packages they depend on (core, consumer),
  // which npm would otherwise look for on the registry.
  const installs = codeBlocks(section(doc, 'Install Courier'), 'sh')
    .flatMap((b) => shellLines(b.code))
    .filter((cmd) => cmd.startsWith('npm install @courier-nest/'));
  expect(installs).toHaveLength(2);
  const named = [...installs[line.installLine].matchAll(/@courier-nest\/[\w-]+/g)].map(([name]) => {
    if (!(name in packageDirs))
      throw new Error(`getting-started.md installs ${name}, which this repository does not pack`);
    return name as PackageName;
  });
  const siblings = new Set(named.flatMap(withSiblings).filter((name) => !named.includes(name)));
  const install = [
    installs[line.installLine].replace(/@courier-nest\/[\w-]+/g, (name) => tarballs[name as PackageName]),
    ...[...siblings].map((name) => tarballs[name]),
  ].join(' ');
  for (const app of appNames) await shell(install, join(dir, app));

  for (const app of appNames) {
    expect(await installedCopies(join(dir, app), '@nestjs/core')).toEqual([
      expect.stringMatching(line.nestCore),
    ]);
    expect(await installedCopies(join(dir, app), 'typeorm')).toEqual([expect.stringMatching(line.typeorm)]);
    const { stdout } = await shell('npm ls @nestjs/core --all --parseable', join(dir, app));
    expect(new Set(stdout.split('\n').filter(Boolean)).size).toBe(1);
  }

  // 3. Every file the page shows: the blocks that start with `// <app>/src/<file>.ts`.
  const files = codeBlocks(doc, 'ts').flatMap(({ code }) => {
    const header = code.match(/^\/\/ ((orders|shipping)\/src\/[\w.-]+\.ts)\n/);
    return header ? [{ path: header[1], code }] : [];
  });
  for (const app of appNames) {
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining([`${app}/src/main.ts`, `${app}/src/app.module.ts`]),
    );
  }
  for (const { code } of files) {
    for (const [, exchange] of code.matchAll(/(?:destination: |@InboxHandler\()'([\w.-]+)'/g)) {
      state.exchanges.set(exchange, `${exchange}_${state.suffix}`);
    }
    for (const [, service] of code.matchAll(/serviceName: '([\w.-]+)'/g)) {
      state.services.set(service, `${service}_${state.suffix}`);
    }
  }
  expect([...state.exchanges.keys()].sort()).toEqual(['order_events', 'shipment_events']);
  for (const { path, code } of files) {
    let source = code;
    for (const [name, renamed] of state.exchanges) source = source.replaceAll(`'${name}'`, `'${renamed}'`);
    // Only the option: `'orders'` is also the controller's path.
    for (const [name, renamed] of state.services) {
      source = source.replaceAll(`serviceName: '${name}'`, `serviceName: '${renamed}'`);
    }
    await mkdir(join(dir, dirname(path)), { recursive: true });
    await writeFile(join(dir, path), source);
  }
  // "`shipping/src/health.controller.ts` is the same file."
  expect(section(doc, 'Health and metrics')).toContain(
    '`shipping/src/health.controller.ts` is the same file',
  );
  await copyFile(
    join(dir, 'orders/src/health.controller.ts'),
    join(dir, 'shipping/src/health.controller.ts'),
  );

  // 4. "Run it": the builds as written, then each service the way the page starts it.
  const runLines = codeBlocks(section(doc, 'Run it'), 'sh').flatMap((b) => shellLines(b.code));
  const builds = runLines.filter((cmd) => /^\(cd \w+ && npm run build\)$/.test(cmd));
  expect(builds).toEqual(['(cd shipping && npm run build)', '(cd orders && npm run build)']);
  for (const build of builds) await shell(build, dir);
  const starts = runLines
    .map((cmd) => cmd.match(/^\(cd (\w+) && PORT=(\d+) node (\S+)\) &$/))
    .filter((match) => match !== null)
    .map(([, app, port, main]) => ({ app, port, main }));
  expect(starts.map((s) => s.app)).toEqual(['shipping', 'orders']);
  const exported = firstMatch(
    runLines.join('\n'),
    /^export DATABASE_URL=\S+ AMQP_URL=\S+$/m,
    'which variables to set',
  );
  expect(exported).toBeTruthy();

  const databaseUrl = new URL(DATABASE_URL);
  databaseUrl.pathname = `/${state.database}`;
  const urls = new Map<string, string>(); // the page's port → the app's URL here
  for (const start of starts) {
    const cwd = join(dir, start.app);
    if (!existsSync(join(cwd, start.main)))
      throw new Error(`npm run build wrote no ${start.app}/${start.main}`);
    const port = await freePort();
    urls.set(start.port, `http://127.0.0.1:${port}`);
    const child = spawn(process.execPath, [start.main], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        DATABASE_URL: databaseUrl.toString(),
        AMQP_URL,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app: AppProcess = {
      name: start.app,
      child,
      url: `http://127.0.0.1:${port}`,
      output: [],
      exited: new Promise((resolve) => child.on('exit', resolve)),
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => app.output.push(...chunk.toString().split('\n').filter(Boolean)));
    }
    state.apps.push(app);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${app.name} exited:\n${app.output.join('\n')}`);
        return (await fetch(`${app.url}/health/ready`).catch(() => undefined))?.ok;
      },
      `${app.name} ready`,
      { timeoutMs: 30_000, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- ${app.name} ---\n${app.output.join('\n')}`);
    });
  }

  // 5. The page's order: POST it, then GET it until it has the status the page promises.
  const [, postPort, postPath, body] = firstMatch(
    runLines.join('\n'),
    /^curl -s -X POST localhost:(\d+)(\/\S*) .*-d '([^']+)'$/m,
    'how to place an order',
  );
  const [, getPort, getPath, expectedStatus] = firstMatch(
    section(doc, 'Run it'),
    /curl -s localhost:(\d+)(\/\S*)<id>\s+# "status":\s*"(\w+)"/,
    'how to read the order back',
  );
  const created = await fetch(`${urls.get(postPort)}${postPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect({ status: created.status, body: await created.clone().text() }).toMatchObject({ status: 201 });
  const order = (await created.json()) as { id: string };
  expect(order).toMatchObject({ ...JSON.parse(body), status: 'created' });
  await waitFor(
    async () => {
      const view = (await (await fetch(`${urls.get(getPort)}${getPath}${order.id}`)).json()) as {
        status: string;
      };
      return view.status === expectedStatus;
    },
    `order ${order.id} ${expectedStatus}`,
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

async function cleanUp(state: LineState, db: Client): Promise<void> {
  for (const app of state.apps) {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await app.exited;
  }
  const connection = await connect(AMQP_URL);
  const remove = async (kind: 'queue' | 'exchange', name: string) => {
    const channel = await connection.createChannel(); // an error closes the channel it happened on
    channel.on('error', () => undefined);
    await (kind === 'queue' ? channel.deleteQueue(name) : channel.deleteExchange(name)).catch(
      () => undefined,
    );
    await channel.close().catch(() => undefined);
  };
  for (const service of state.services.values()) {
    for (const exchange of state.exchanges.values()) {
      await remove('queue', `${service}.${exchange}`);
      await remove('queue', `${service}.${exchange}.dead`);
    }
    await remove('exchange', `${service}.dead-letter`);
  }
  for (const exchange of state.exchanges.values()) await remove('exchange', exchange);
  await connection.close();
  await db.query(`DROP DATABASE IF EXISTS "${state.database}" WITH (FORCE)`);
  if (state.dir) await rm(state.dir, { recursive: true, force: true });
}

describe('getting-started.md, from `nest new` outside the repository', () => {
  let db: Client;
  // The two lines run side by side from beforeAll on (each in its own folder, database,
  // exchanges and queues; npm's cache is safe to share); each test awaits its own.
  const lines = new Map<string, { state: LineState; done: Promise<void> }>();

  beforeAll(async () => {
    db = await openDatabase();
    const tarballs = await packageTarballs();
    for (const line of LINES) {
      const state = newState();
      await db.query(`CREATE DATABASE "${state.database}"`);
      const done = followTheGuide(line, state, tarballs);
      done.catch(() => undefined); // reported by the test that awaits it
      lines.set(line.name, { state, done });
    }
  }, 600_000);

  afterAll(async () => {
    for (const { state, done } of lines.values()) {
      await done.catch(() => undefined);
      await cleanUp(state, db);
    }
    await db.end();
  });

  it.each(LINES)(
    'on $name: creates, installs, builds and boots the two apps, with one @nestjs/core, and an order ships',
    async (line) => {
      await lines.get(line.name)!.done;
    },
    900_000,
  );
});
