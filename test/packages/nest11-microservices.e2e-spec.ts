import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BrokerProbe } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, DATABASE_URL, uniqueName } from '../harness/env';
import { packageTarballs, repoRoot, withSiblings } from './package-tarballs';
import { TempProject } from './temp-project';

/*
 * @courier-nest/microservices peers on @nestjs/microservices ^11 || ^12; the repository is on
 * Nest 12. This installs the newest Nest 11 beside Courier's tarballs in a project of its own
 * and runs a hybrid app (test/fixtures/nest11-microservices.process.ts) on it.
 */
const nest11 = [
  '@nestjs/common@11',
  '@nestjs/core@11',
  '@nestjs/platform-express@11',
  '@nestjs/microservices@11',
  '@nestjs/typeorm@11',
  '@nestjs/terminus@11',
  'typeorm@0.3',
  'pg',
  'prom-client',
  '@willsoto/nestjs-prometheus',
  '@opentelemetry/api',
  // The fixture publishes raw messages as another service would (the rabbitmq package's amqplib).
  'amqplib@^2.3.1',
  '@types/node@^20.19.0',
];

interface ProbeReport {
  nestVersion: string;
  runs: Record<string, Record<string, number>>;
  emitted: string;
  reply: { doubled: number };
}

describe('@courier-nest/microservices on the newest Nest 11', () => {
  let project: TempProject;

  beforeAll(async () => {
    const tarballs = await packageTarballs();
    project = await TempProject.create('nest11-ms');
    // The RabbitMQ transport is no dependency of the microservices package: the app chooses it.
    const courier = new Set([
      ...withSiblings('@courier-nest/microservices'),
      ...withSiblings('@courier-nest/rabbitmq'),
    ]);
    await project.install(...[...courier].map((name) => tarballs[name]), ...nest11);
  }, 300_000);

  afterAll(() => project?.remove());

  it('installs one copy of @nestjs/core, of the 11 line', async () => {
    const copies = (await project.npm('ls', '@nestjs/core', '--all', '--parseable')).trim().split('\n');
    expect(copies).toEqual([project.path('node_modules', '@nestjs/core')]);
    for (const name of ['@nestjs/core', '@nestjs/microservices']) {
      const manifest = JSON.parse(
        await readFile(project.path('node_modules', name, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(manifest.version).toMatch(/^11\./);
    }
  }, 60_000);

  it('runs an @EventPattern handler once for an id delivered three times, handles an event emitted inside @Transactional(), answers send() from a @MessagePattern', async () => {
    await cp(join(repoRoot, 'test/fixtures/nest11-microservices.process.ts'), project.path('src/main.ts'));
    const tsconfig = {
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        types: ['node'],
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        outDir: 'dist',
        rootDir: 'src',
      },
      files: ['src/main.ts'],
    };
    await writeFile(project.path('tsconfig.json'), JSON.stringify(tsconfig));
    await project.tsc('tsconfig.json');

    const schema = uniqueName('nest11_ms');
    const service = uniqueName('nest11-ms');
    const events = uniqueName('nest11_ms_events');
    const emittedPattern = uniqueName('nest11_ms_emitted');
    const double = uniqueName('nest11_ms_double');
    const db = await openDatabase();
    const broker = await BrokerProbe.open();
    try {
      const output = await project.node(['dist/main.js'], {
        PROBE_SCHEMA: schema,
        PROBE_SERVICE: service,
        PROBE_EVENTS: events,
        PROBE_EMITTED: emittedPattern,
        PROBE_DOUBLE: double,
        DATABASE_URL,
        AMQP_URL,
      });
      const report = JSON.parse(output.trim().split('\n').pop()!) as ProbeReport;
      expect(report.nestVersion).toMatch(/^11\./);
      expect(report.runs[events]).toEqual({ 'dup-1': 1, 'marker-1': 1 });
      expect(report.runs[emittedPattern]).toEqual({ [report.emitted]: 1 });
      expect(report.reply).toEqual({ doubled: 42 });
    } finally {
      await dropSchema(db, schema);
      await db.end();
      for (const pattern of [events, emittedPattern]) {
        for (const queue of [`${service}.${pattern}`, `${service}.${pattern}.dead`]) {
          await broker.channel.deleteQueue(queue).catch(() => undefined);
        }
        await broker.deleteExchange(pattern);
      }
      await broker.channel.deleteQueue(double).catch(() => undefined);
      await broker.deleteExchange(`${service}.dead-letter`);
      await broker.close();
    }
  }, 180_000);
});
