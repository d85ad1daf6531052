import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import type { Client } from 'pg';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, DATABASE_URL, uniqueName } from '../harness/env';
import { freePort } from '../harness/sample-app-process';
import { waitFor } from '../harness/wait-for';

/**
 * docs/getting-started.md, followed in a temporary copy of the repository: the Nest CLI
 * generates the apps, the page's shell steps run as written, every file it shows is
 * written from its code blocks, the workspace still type-checks, `nest build` builds the
 * apps and they run the page's order loop. Everything comes from the page; the test
 * changes only the exchange names, the database schemas and the service names, so that
 * it shares nothing on the broker or in the database with other suites.
 */
const REPO = join(__dirname, '../..');
const DOC_PATH = join(REPO, 'docs/getting-started.md');
const run = promisify(execFile);

interface CodeBlock {
  lang: string;
  code: string;
}

interface AppProcess {
  name: string;
  child: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The text of `## title` up to the next `## ` heading. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`getting-started.md has no "## ${title}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

function codeBlocks(markdown: string, lang?: string): CodeBlock[] {
  const blocks = [...markdown.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)].map(
    ([, , blockLang, code]) => ({ lang: blockLang, code }),
  );
  return lang ? blocks.filter((block) => block.lang === lang) : blocks;
}

/** Shell lines of a block: continuations joined, blank lines and comments dropped. */
function shellLines(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

function firstMatch(text: string, pattern: RegExp, what: string): RegExpMatchArray {
  const match = text.match(pattern);
  if (!match) throw new Error(`getting-started.md no longer says ${what} (${pattern})`);
  return match;
}

describe('getting-started.md, followed from `nest generate app` to a running order loop', () => {
  const suffix = uniqueName('gs').slice(3);
  const workspace: { dir?: string } = {};
  const apps: AppProcess[] = [];
  const schemas = new Map<string, string>(); // app → schema (entities and Courier tables)
  const services = new Map<string, string>(); // app → SERVICE_NAME
  const exchanges = new Map<string, string>(); // the page's exchange → this run's
  let db: Client;

  beforeAll(async () => {
    db = await openDatabase();
  });

  afterAll(async () => {
    for (const app of apps) {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
      await app.exited;
    }
    const connection = await connect(AMQP_URL);
    // A fresh channel per deletion: an error closes the channel it happened on.
    const remove = async (kind: 'queue' | 'exchange', name: string) => {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await (kind === 'queue' ? channel.deleteQueue(name) : channel.deleteExchange(name)).catch(
        () => undefined,
      );
      await channel.close().catch(() => undefined);
    };
    for (const service of services.values()) {
      for (const exchange of exchanges.values()) {
        await remove('queue', `${service}.${exchange}`);
        await remove('queue', `${service}.${exchange}.dead`);
      }
      await remove('exchange', `${service}.dead-letter`);
    }
    for (const exchange of exchanges.values()) await remove('exchange', exchange);
    await connection.close();
    for (const schema of schemas.values()) await dropSchema(db, schema);
    await db.end();
    if (workspace.dir) await rm(workspace.dir, { recursive: true, force: true });
  });

  it('generates, builds and boots the apps the page describes, and an order ships', async () => {
    const doc = await readFile(DOC_PATH, 'utf8');
    const createSection = section(doc, 'Create the apps');
    const runSection = section(doc, 'Run it');
    const generated = [...createSection.matchAll(/^npx nest generate app (\S+)$/gm)].map(([, name]) => name);
    expect(generated.length).toBeGreaterThan(0);

    // 1. A copy of the working tree, without the finished apps of those names (the page builds them).
    const dir = await mkdtemp(join(tmpdir(), 'courier-scaffold-'));
    workspace.dir = dir;
    const { stdout: listed } = await run(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { cwd: REPO, maxBuffer: 64 << 20 },
    );
    const files = listed
      .split('\0')
      .filter((file) => file && !generated.some((app) => file.startsWith(`apps/${app}/`)))
      .filter((file) => existsSync(join(REPO, file)));
    for (const file of files) {
      await mkdir(join(dir, dirname(file)), { recursive: true });
      await copyFile(join(REPO, file), join(dir, file));
    }
    await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const cli = JSON.parse(await readFile(join(dir, 'nest-cli.json'), 'utf8'));
    for (const app of generated) delete cli.projects[app];
    await writeFile(join(dir, 'nest-cli.json'), `${JSON.stringify(cli, null, 2)}\n`);
    // An index to restore from, as the page's `git checkout` expects (nothing is committed).
    await run('git', ['init', '-q'], { cwd: dir });
    await run('git', ['add', '-A'], { cwd: dir });
    const originalTsconfig = await readFile(join(dir, 'tsconfig.json'), 'utf8');

    const toolEnv = {
      PATH: `${join(dir, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? dir,
    };
    const shell = async (line: string) => {
      // `npx nest` is the workspace's own CLI: run node_modules/.bin/nest directly.
      const command = line.replace(/^npx nest /, 'nest ');
      try {
        return await run('bash', ['-ec', command], { cwd: dir, env: toolEnv, maxBuffer: 64 << 20 });
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`\`${line}\` failed:\n${stdout ?? ''}${stderr ?? ''}`);
      }
    };

    // 2. The shell steps of "Create the apps", as written.
    const createSteps = codeBlocks(createSection, 'sh').flatMap((block) => shellLines(block.code));
    for (const step of createSteps) await shell(step);
    expect(await readFile(join(dir, 'tsconfig.json'), 'utf8')).toBe(originalTsconfig);

    // 3. "Align them": outDir and entryFile, with the values the page gives.
    const outDir = firstMatch(createSection, /set `"outDir": "([^"]+)"`/, 'which outDir to set')[1];
    const entryFile = firstMatch(
      createSection,
      /set the project's `"entryFile": "([^"]+)"`/,
      'the entryFile',
    )[1];
    const cliAfter = JSON.parse(await readFile(join(dir, 'nest-cli.json'), 'utf8'));
    for (const app of generated) {
      const tsconfigPath = join(dir, 'apps', app, 'tsconfig.app.json');
      const tsconfig = JSON.parse(await readFile(tsconfigPath, 'utf8'));
      tsconfig.compilerOptions.outDir = outDir;
      await writeFile(tsconfigPath, `${JSON.stringify(tsconfig, null, 2)}\n`);
      expect(cliAfter.projects[app]).toBeDefined();
      cliAfter.projects[app].entryFile = entryFile.replace('<name>', app);
    }
    await writeFile(join(dir, 'nest-cli.json'), `${JSON.stringify(cliAfter, null, 2)}\n`);

    // 4. Every file the page shows, from its code blocks: those that start with `// apps/…`.
    const fileBlocks = codeBlocks(doc, 'ts').flatMap(({ code }) => {
      const header = code.match(/^\/\/ (apps\/\S+\.ts)(?:, and the same file in (apps\/\S+\/))?\n/);
      if (!header) return [];
      const paths = header[2] ? [header[1], join(header[2], basename(header[1]))] : [header[1]];
      return paths.map((path) => ({ path, code }));
    });
    for (const app of generated) {
      expect(fileBlocks.map((block) => block.path)).toEqual(
        expect.arrayContaining([`apps/${app}/src/main.ts`, `apps/${app}/src/${app}.module.ts`]),
      );
    }
    for (const { code } of fileBlocks) {
      for (const [, exchange] of code.matchAll(/(?:destination: |@InboxHandler\()'([\w.-]+)'/g)) {
        exchanges.set(exchange, `${exchange}_${suffix}`);
      }
    }
    expect(exchanges.size).toBeGreaterThan(0);
    for (const { path, code } of fileBlocks) {
      let source = code;
      for (const [exchange, renamed] of exchanges)
        source = source.replaceAll(`'${exchange}'`, `'${renamed}'`);
      await mkdir(join(dir, dirname(path)), { recursive: true });
      await writeFile(join(dir, path), source);
    }

    // 5. The workspace still type-checks as a whole (the `pretest` of `npm test`).
    await shell('tsc --noEmit -p tsconfig.json');

    // 6. "Run it": the build commands as written; the binaries where the page starts them.
    const runBlock = codeBlocks(runSection, 'sh')[0];
    if (!runBlock) throw new Error('getting-started.md "Run it" has no sh block');
    const runLines = shellLines(runBlock.code);
    const builds = runLines.filter((line) => line.startsWith('npx nest build '));
    expect(builds.length).toBeGreaterThan(0);
    for (const build of builds) await shell(build);

    const exported = Object.fromEntries(
      [...(runLines.find((line) => line.startsWith('export '))?.matchAll(/([A-Z_]+)=(\S+)/g) ?? [])].map(
        ([, name, value]) => [name, value],
      ),
    );
    const starts = runLines
      .map((line) => line.match(/^((?:[A-Z_]+=\S+ )+)node (dist\/apps\/([\w-]+)\/\S+\.js) &$/))
      .filter((match) => match !== null)
      .map(([, assignments, main, app]) => ({
        app,
        main,
        env: {
          ...exported,
          ...Object.fromEntries([...assignments.matchAll(/([A-Z_]+)=(\S+)/g)].map(([, n, v]) => [n, v])),
        },
      }));
    expect(starts.map((start) => start.app).sort()).toEqual([...generated].sort());

    // 7. Boot each in the page's order (shipping first), with this run's services and schemas;
    // each is up when the health check the page shows answers 200.
    expect(runSection).toContain('`GET /health/ready`');
    const docPorts = new Map<string, string>(); // the page's port → the app's URL here
    // The page's apps share one database's public schema, where TypeORM creates the
    // uuid extension their ids need. Here each app has its own schema first in its
    // search_path, so on a fresh database the first app would create the extension in
    // its own schema, out of the other's reach (and drop it with that schema).
    await db.query('CREATE EXTENSION IF NOT EXISTS "uuid-ossp" SCHEMA public');
    for (const start of starts) {
      if (!existsSync(join(dir, start.main))) {
        const { stdout: built } = await run('find', ['dist/apps', '-name', 'main.js'], { cwd: dir });
        throw new Error(`The page starts ${start.main}, which nest build did not write; it wrote:\n${built}`);
      }
      const schema = uniqueName(`gs_${start.app.replace(/\W/g, '_')}`);
      const service = schema;
      schemas.set(start.app, schema);
      services.set(start.app, service);
      // Created first, so that TypeORM's synchronize puts the app's tables in it.
      await db.query(`CREATE SCHEMA "${schema}"`);
      const databaseUrl = new URL(DATABASE_URL);
      databaseUrl.searchParams.set('options', `-c search_path=${schema},public`);
      const port = await freePort();
      const values: Record<string, string> = {
        DATABASE_URL: databaseUrl.toString(),
        AMQP_URL,
        PORT: String(port),
        SERVICE_NAME: service,
        COURIER_SCHEMA: schema,
      };
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };
      for (const name of Object.keys(start.env)) {
        if (!(name in values))
          throw new Error(`getting-started.md sets ${name}, which this test does not know`);
        env[name] = values[name];
      }
      docPorts.set(start.env.PORT, `http://127.0.0.1:${port}`);
      const child = spawn(process.execPath, [start.main], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const app: AppProcess = {
        name: start.app,
        child,
        url: `http://127.0.0.1:${port}`,
        output: [],
        exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
      };
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.on('data', (chunk: Buffer) =>
          app.output.push(...chunk.toString().split('\n').filter(Boolean)),
        );
      }
      apps.push(app);
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
      expect(app.output.join('\n')).toContain('Nest application successfully started');
    }

    // 8. The page's order: POST it, then GET it until it has the status the page promises.
    const [, postPort, postPath, body] = firstMatch(
      runLines.join('\n'),
      /^curl -s -X POST localhost:(\d+)(\/\S*) .*-d '([^']+)'$/m,
      'how to place an order',
    );
    const [, getPort, getPath, expectedStatus] = firstMatch(
      runBlock.code,
      /curl -s localhost:(\d+)(\/\S*)<id>\s+# "status":\s*"(\w+)"/,
      'how to read the order back',
    );
    const created = await fetch(`${docPorts.get(postPort)}${postPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { id: string; status: string };
    expect(order).toMatchObject({ ...JSON.parse(body), status: 'created' });
    const shipped = await waitFor(
      async () => {
        const response = await fetch(`${docPorts.get(getPort)}${getPath}${order.id}`);
        const view = (await response.json()) as { status: string };
        return view.status === expectedStatus && view;
      },
      `order ${order.id} ${expectedStatus}`,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(shipped).toMatchObject({ id: order.id, status: expectedStatus });

    // Every handler the page registers ran once and is done; both outboxes are drained.
    const handlerKeys = fileBlocks.flatMap(({ code }) =>
      [...code.matchAll(/@InboxHandler\('[\w.-]+', '([\w.-]+)'/g)].map(([, key]) => key),
    );
    const done = await waitFor(
      async () => {
        const runs: { handler_key: string; status: string }[] = [];
        let pending = 0;
        for (const schema of schemas.values()) {
          runs.push(
            ...(await db.query(`SELECT handler_key, status FROM "${schema}".inbox_handler_states`)).rows,
          );
          pending += (await db.query(`SELECT count(*)::int AS n FROM "${schema}".outbox_messages`)).rows[0].n;
        }
        const settled = pending === 0 && runs.length === handlerKeys.length;
        return settled && runs.every((r) => r.status === 'done') ? runs : undefined;
      },
      'every handler run done and both outboxes drained',
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(done.map((r) => r.handler_key).sort()).toEqual([...new Set(handlerKeys)].sort());

    // 9. Stopped as the page's main.ts expects: on SIGTERM, ending by that signal (Nest's shutdown
    // hooks re-raise it; a crash while closing would end with an exit code instead).
    for (const app of [...apps].reverse()) {
      app.child.kill('SIGTERM');
      const timeout = new Promise((resolve) =>
        setTimeout(resolve, 15_000, `${app.name} still running`).unref(),
      );
      expect(await Promise.race([app.exited, timeout])).toEqual({ code: null, signal: 'SIGTERM' });
    }
  }, 240_000);
});
