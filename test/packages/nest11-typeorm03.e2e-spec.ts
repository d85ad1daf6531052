import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BrokerProbe } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, DATABASE_URL, uniqueName } from '../harness/env';
import { packageTarballs, repoRoot, type PackageName } from './package-tarballs';
import { TempProject } from './temp-project';

const libraries: PackageName[] = [
  '@courier-nest/core',
  '@courier-nest/consumer',
  '@courier-nest/outbox',
  '@courier-nest/inbox',
  '@courier-nest/rabbitmq',
];

/**
 * The lowest releases our peer ranges accept (what an older app's lock file may hold). The
 * newest of the Nest 11 / TypeORM 0.3 line are what getting-started.e2e-spec.ts installs.
 */
const lines = [
  {
    line: 'the lowest releases of the Nest 11 / TypeORM 0.3 ranges',
    specs: [
      '@nestjs/common@11.0.0',
      '@nestjs/core@11.0.0',
      '@nestjs/platform-express@11.0.0',
      '@nestjs/typeorm@11.0.0',
      '@nestjs/terminus@11.0.0',
      'typeorm@0.3.20',
      '@willsoto/nestjs-prometheus@6.0.2',
      'prom-client@15.0.0',
      'pg@8.11.0',
      '@opentelemetry/api@1.9.0',
    ],
  },
];

const compilerOptions = {
  strict: true,
  skipLibCheck: false,
  module: 'nodenext',
  moduleResolution: 'nodenext',
  target: 'es2022',
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
};

interface ProbeReport {
  published: string;
  message: { id: string; eventType: string; type: string; payload: unknown };
  health: Record<string, { status: string }>;
  metrics: string[];
}

describe.each(lines)('the packages on $line', ({ specs }) => {
  let project: TempProject;

  beforeAll(async () => {
    const tarballs = await packageTarballs();
    project = await TempProject.create('nest11');
    await project.install(...libraries.map((name) => tarballs[name]), ...specs);
  }, 300_000);

  afterAll(() => project?.remove());

  it('installs one copy of @nestjs/core, @nestjs/common and typeorm, of the 11 / 0.3 line', async () => {
    for (const name of ['@nestjs/core', '@nestjs/common', 'typeorm']) {
      const copies = (await project.npm('ls', name, '--all', '--parseable')).trim().split('\n');
      expect(copies).toEqual([project.path('node_modules', name)]);
    }
    const version = async (name: string) =>
      (
        JSON.parse(await readFile(project.path('node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    expect(await version('@nestjs/core')).toMatch(/^11\./);
    expect(await version('typeorm')).toMatch(/^0\.3\./);
  }, 60_000);

  it("compiles Courier's sources against these versions' types (tsc --strict, skipLibCheck false)", async () => {
    const paths: Record<string, string[]> = {};
    for (const name of libraries) {
      const lib = name.replace('@courier-nest/', '');
      await cp(join(repoRoot, 'libs', lib, 'src'), project.path('courier', lib), {
        recursive: true,
        filter: (source) => !/\.spec\.ts$|\/testing$/.test(source),
      });
      paths[name] = [`./courier/${lib}`];
    }
    const tsconfig = {
      compilerOptions: {
        ...compilerOptions,
        noEmit: true,
        module: 'commonjs',
        moduleResolution: 'bundler',
        paths,
      },
      include: ['courier/**/*.ts'],
    };
    await writeFile(project.path('tsconfig.sources.json'), JSON.stringify(tsconfig));
    await project.tsc('tsconfig.sources.json');
  }, 180_000);

  it('boots an app from the tarballs and carries one message from its outbox to its inbox handler', async () => {
    await cp(join(repoRoot, 'test/fixtures/outbox-to-inbox.process.ts'), project.path('src/main.ts'));
    const tsconfig = {
      compilerOptions: { ...compilerOptions, outDir: 'dist', rootDir: 'src' },
      files: ['src/main.ts'],
    };
    await writeFile(project.path('tsconfig.json'), JSON.stringify(tsconfig));
    await project.tsc('tsconfig.json');

    const schema = uniqueName('nest11');
    const destination = uniqueName('nest11_events');
    const service = uniqueName('nest11-probe');
    const db = await openDatabase();
    const broker = await BrokerProbe.open();
    try {
      const output = await project.node(['dist/main.js'], {
        PROBE_SCHEMA: schema,
        PROBE_DESTINATION: destination,
        PROBE_SERVICE: service,
        DATABASE_URL,
        AMQP_URL,
      });
      const report = JSON.parse(output.trim().split('\n').pop()!) as ProbeReport;
      expect(report.message).toMatchObject({
        id: report.published,
        eventType: destination,
        type: 'greeting',
        payload: { hello: 'from the outbox' },
      });
      expect(report.health).toMatchObject({
        outbox: { status: 'up' },
        inbox: { status: 'up' },
        rabbitmq: { status: 'up' },
      });
      // The gauges read the stores at scrape time.
      expect(report.metrics).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^courier_outbox_backlog_messages \d+$/),
          expect.stringMatching(/^courier_inbox_backlog \d+$/),
        ]),
      );
    } finally {
      await dropSchema(db, schema);
      await db.end();
      for (const queue of [`${service}.${destination}`, `${service}.${destination}.dead`]) {
        await broker.channel.deleteQueue(queue).catch(() => undefined);
      }
      await broker.deleteExchange(destination);
      await broker.deleteExchange(`${service}.dead-letter`);
      await broker.close();
    }
  }, 180_000);
});
