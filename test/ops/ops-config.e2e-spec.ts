import { posix, sep } from 'node:path';
import ts from 'typescript';
import { assertSqlIdentifier } from '@courier-nest/core/internal';
import { checkAppEnvironment } from './app-environment';
import {
  bindSource,
  environmentOf,
  healthcheckCommand,
  list,
  mountsOf,
  portsOf,
  readJson,
  readText,
  readYaml,
  REPO_ROOT,
  repoPath,
  record,
  repoFileExists,
  text,
  type Data,
} from './ops-files';

// The docker-compose demo, its Dockerfile, and the Prometheus and Grafana files it mounts,
// read as docker compose, Prometheus and Grafana would read them. No service is started.

/** The sample services and the port each one listens on (the apps' contract). */
const APPS = { orders: '3000', shipping: '3001' } as const;
type AppName = keyof typeof APPS;
const APP_NAMES = Object.keys(APPS) as AppName[];

const compose = record(readYaml('docker-compose.yml'), 'docker-compose.yml');
const services = record(compose.services, 'services');
const service = (name: string): Data => record(services[name], `services.${name}`);
const envOf = (name: string) => environmentOf(service(name), `services.${name}`);
/** The container path a repository file or directory is bind-mounted at in a service. */
const mountTarget = (name: string, source: string): string | undefined =>
  mountsOf(service(name), `services.${name}`).find((m) => bindSource(m) === source)?.target;

describe('docker-compose.yml', () => {
  it('uses the Compose specification (no top-level version key)', () => {
    expect(compose).not.toHaveProperty('version');
  });

  it('defines postgres, rabbitmq, orders, shipping, prometheus and grafana', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['grafana', 'orders', 'postgres', 'prometheus', 'rabbitmq', 'shipping'].sort(),
    );
  });

  it('runs PostgreSQL 16 with a courier database and user, and a pg_isready healthcheck', () => {
    expect(text(service('postgres').image, 'postgres.image')).toMatch(/^postgres:16\./);
    expect(envOf('postgres')).toMatchObject({ POSTGRES_DB: 'courier', POSTGRES_USER: 'courier' });
    expect(envOf('postgres').POSTGRES_PASSWORD).toBeTruthy();
    expect(healthcheckCommand(service('postgres'), 'postgres')).toMatch(/^pg_isready -U courier -d courier$/);
  });

  it('runs RabbitMQ 4 with management, AMQP and the UI on 127.0.0.1:5673 and :15673, healthy when `rabbitmq-diagnostics -q ping` is', () => {
    expect(text(service('rabbitmq').image, 'rabbitmq.image')).toMatch(/^rabbitmq:4\.[\d.]+-management$/);
    expect(portsOf(service('rabbitmq'), 'rabbitmq')).toEqual([
      { ip: '127.0.0.1', host: '5673', container: '5672' },
      { ip: '127.0.0.1', host: '15673', container: '15672' },
    ]);
    expect(healthcheckCommand(service('rabbitmq'), 'rabbitmq')).toBe('rabbitmq-diagnostics -q ping');
  });

  describe.each(APP_NAMES)('%s', (app) => {
    const port = APPS[app];
    const env = envOf(app);

    it('is built from the root Dockerfile with APP set to its name', () => {
      const build = record(service(app).build, `${app}.build`);
      expect(build).toMatchObject({ context: '.', dockerfile: 'Dockerfile', args: { APP: app } });
    });

    it('starts only once postgres and rabbitmq are healthy', () => {
      expect(service(app).depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        rabbitmq: { condition: 'service_healthy' },
      });
    });

    it('sets exactly the variables the app validates, and the app accepts them', () => {
      const { variables, validated } = checkAppEnvironment(app, env);
      expect(Object.keys(env).sort()).toEqual([...variables].sort());
      expect(validated).toMatchObject({
        PORT: Number(port),
        SERVICE_NAME: app,
        COURIER_SCHEMA: env.COURIER_SCHEMA,
        LOG_FORMAT: env.LOG_FORMAT,
      });
    });

    it(`listens on ${port} and publishes it on the same port of 127.0.0.1`, () => {
      expect(env.PORT).toBe(port);
      expect(portsOf(service(app), app)).toEqual([{ ip: '127.0.0.1', host: port, container: port }]);
    });

    it('reaches PostgreSQL by its compose hostname, with the credentials postgres was given', () => {
      const url = new URL(env.DATABASE_URL);
      const pg = envOf('postgres');
      expect(url.protocol).toBe('postgres:');
      expect(services).toHaveProperty(url.hostname);
      expect(url.hostname).toBe('postgres');
      expect(url.port).toBe('5432');
      expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
      expect([url.username, url.password]).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
    });

    it('reaches RabbitMQ by its compose hostname, with the user rabbitmq was given', () => {
      const url = new URL(env.AMQP_URL);
      const rabbit = envOf('rabbitmq');
      expect(url.protocol).toBe('amqp:');
      expect(url.hostname).toBe('rabbitmq');
      expect(url.port).toBe('5672');
      expect([url.username, url.password]).toEqual([
        rabbit.RABBITMQ_DEFAULT_USER,
        rabbit.RABBITMQ_DEFAULT_PASS,
      ]);
    });

    it('gives the operations console a token (the Authorization header carries it: 16+ printable characters)', () => {
      expect(env.COURIER_CONSOLE_TOKEN).toMatch(/^[\x21-\x7e]{16,200}$/);
    });

    it('names a schema the outbox and inbox accept', () => {
      expect(() => assertSqlIdentifier(env.COURIER_SCHEMA, 'COURIER_SCHEMA')).not.toThrow();
    });

    it('is healthy when its own /health/live answers', () => {
      expect(healthcheckCommand(service(app), app)).toContain(`http://127.0.0.1:${port}/health/live`);
    });
  });

  it('publishes every port on 127.0.0.1 only (the demo has fixed passwords)', () => {
    const published = Object.keys(services).flatMap((name) =>
      portsOf(service(name), `services.${name}`).map((mapping) => ({ service: name, ...mapping })),
    );
    expect(published.length).toBeGreaterThan(0);
    for (const mapping of published) expect(mapping).toEqual({ ...mapping, ip: '127.0.0.1' });
  });

  it("publishes no host port a local PostgreSQL or RabbitMQ (the test suites' and npm run demo's) listens on", () => {
    const taken = new Set(['5432', '5672', '15672']); // PostgreSQL, AMQP, RabbitMQ management
    for (const name of Object.keys(services))
      for (const { host } of portsOf(service(name), `services.${name}`))
        expect({ service: name, host, clashes: taken.has(host) }).toEqual({
          service: name,
          host,
          clashes: false,
        });
  });

  it('publishes no host port twice', () => {
    const hosts = Object.keys(services).flatMap((name) =>
      portsOf(service(name), `services.${name}`).map((mapping) => mapping.host),
    );
    expect(new Set(hosts).size).toBe(hosts.length);
  });

  it('pins every pulled image to an exact version (PostgreSQL: major.minor; the others: major.minor.patch)', () => {
    for (const name of Object.keys(services)) {
      if (service(name).build !== undefined) continue; // an image compose builds, named by its tag
      const image = text(service(name).image, `services.${name}.image`);
      const [repository, tag = 'latest'] = image.split(':');
      // PostgreSQL's versions have two parts since 10: 16.10 is one release.
      const exact = repository === 'postgres' ? /^\d+\.\d+(-[a-z0-9]+)*$/ : /^v?\d+\.\d+\.\d+(-[a-z0-9]+)*$/;
      expect({ service: name, image, exact: exact.test(tag) }).toEqual({ service: name, image, exact: true });
    }
  });

  it("gives both consoles the development token npm run demo uses, which the demo calls docker-compose.yml's", () => {
    const tokens = new Set(APP_NAMES.map((app) => envOf(app).COURIER_CONSOLE_TOKEN));
    expect(tokens.size).toBe(1);
    expect(readText('scripts/demo.mjs')).toContain(`const DEMO_CONSOLE_TOKEN = '${[...tokens][0]}';`);
  });

  it('gives each service a schema of its own (an inbox deduplicates across its schema)', () => {
    const schemas = APP_NAMES.map((app) => envOf(app).COURIER_SCHEMA);
    expect(new Set(schemas).size).toBe(schemas.length);
  });

  it('bind-mounts only files and directories that exist in the repository, read-only', () => {
    for (const name of Object.keys(services)) {
      for (const mount of mountsOf(service(name), `services.${name}`)) {
        const source = bindSource(mount);
        if (source === undefined) continue;
        expect({ service: name, source, exists: repoFileExists(source), readOnly: mount.readOnly }).toEqual({
          service: name,
          source,
          exists: true,
          readOnly: true,
        });
      }
    }
  });

  it('declares every named volume it uses', () => {
    const declared = Object.keys(record(compose.volumes ?? {}, 'volumes'));
    for (const name of Object.keys(services)) {
      for (const mount of mountsOf(service(name), `services.${name}`)) {
        if (bindSource(mount) === undefined) expect(declared).toContain(mount.source);
      }
    }
  });

  it('gives Prometheus its configuration and alerting rules', () => {
    expect(text(service('prometheus').image, 'prometheus.image')).toMatch(/^prom\/prometheus(:|$)/);
    expect(mountTarget('prometheus', 'ops/prometheus/prometheus.yml')).toBe('/etc/prometheus/prometheus.yml');
    expect(mountTarget('prometheus', 'ops/prometheus/alerts.yml')).toBe('/etc/prometheus/alerts.yml');
  });

  it('gives Grafana its provisioning and dashboards, viewable anonymously', () => {
    expect(text(service('grafana').image, 'grafana.image')).toMatch(/^grafana\/grafana(:|$)/);
    expect(envOf('grafana')).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
    });
    expect(mountTarget('grafana', 'ops/grafana/provisioning/datasources')).toBe(
      '/etc/grafana/provisioning/datasources',
    );
    expect(mountTarget('grafana', 'ops/grafana/provisioning/dashboards')).toBe(
      '/etc/grafana/provisioning/dashboards',
    );
  });

  it('opens on the Courier dashboard: the home dashboard path is the mounted courier.json', () => {
    const dashboards = mountTarget('grafana', 'ops/grafana/dashboards');
    expect(dashboards).toBeDefined();
    expect(envOf('grafana').GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(
      posix.join(dashboards!, 'courier.json'),
    );
    expect(repoFileExists('ops/grafana/dashboards/courier.json')).toBe(true);
  });
});

describe('Dockerfile', () => {
  // Instructions with their continuation lines joined, comments dropped.
  const instructions = readText('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
  const stages: Array<Array<{ keyword: string; args: string }>> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages[stages.length - 1]?.push(instruction);
  }
  const argsOf = (stage: typeof instructions, keyword: string) =>
    stage.filter((i) => i.keyword === keyword).map((i) => i.args);
  const runtime = stages[stages.length - 1] ?? [];

  it('is multi-stage, every stage on the same node slim image pinned to an exact version', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const images = argsOf(instructions, 'FROM').map((from) => from.split(/\s+/)[0]);
    for (const image of images) expect(image).toMatch(/^node:\d+\.\d+\.\d+-slim$/);
    expect(new Set(images).size).toBe(1);
  });

  const buildRuns = argsOf(stages[0], 'RUN');
  const rootPackage = record(readJson('package.json'), 'package.json');
  const scripts = record(rootPackage.scripts, 'package.json scripts');
  const workspaces = list(rootPackage.workspaces, 'package.json workspaces').map((w) => text(w, 'workspace'));
  const libs = workspaces.filter((w) => w.startsWith('libs/'));

  it('installs with npm ci, builds the libs, then the sample services, and prunes dev dependencies', () => {
    const runs = buildRuns.join(' && ');
    const order = ['npm ci', 'npm run build ', 'npm run build:samples', 'npm prune --omit=dev'];
    for (const step of order) expect(runs).toContain(step);
    const positions = order.map((step) => runs.indexOf(step));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('copies every workspace package.json before npm ci, so npm ci links node_modules/@courier-nest/*', () => {
    const beforeCi = stages[0].slice(
      0,
      stages[0].findIndex((i) => i.keyword === 'RUN' && i.args.includes('npm ci')),
    );
    const copied = argsOf(beforeCi, 'COPY').flatMap((args) => args.split(/\s+/).slice(0, -1));
    expect(copied).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        ...workspaces.map((w) => `${w}/package.json`),
      ]),
    );
  });

  describe.each(APP_NAMES)('the %s service', (app) => {
    const tsconfigPath = repoPath(`apps/${app}/tsconfig.app.json`);
    const parsed = ts.getParsedCommandLineOfConfigFile(
      tsconfigPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
        },
      },
    )!;

    it('is compiled by build:samples from its tsconfig.app.json', () => {
      expect(text(scripts['build:samples'], 'build:samples')).toContain(
        `tsc -p apps/${app}/tsconfig.app.json`,
      );
    });

    it('imports the libs by package name: its tsconfig maps no paths, so node_modules resolves them', () => {
      expect(parsed.options.paths).toEqual({});
    });

    it('has its compiled main.js where the image starts it', () => {
      const main = ts
        .getOutputFileNames(parsed, repoPath(`apps/${app}/src/main.ts`), false)
        .find((file) => file.endsWith('.js'));
      const started = argsOf(runtime, 'CMD').join(' ').replace('${APP}', app);
      expect(started).toContain(
        posix.relative(REPO_ROOT.split(sep).join(posix.sep), main!.split(sep).join(posix.sep)),
      );
    });
  });

  it('gives the runtime node_modules (with the workspace links), dist/, and each lib package.json and dist/', () => {
    const fromBuild = argsOf(runtime, 'COPY')
      .filter((args) => args.startsWith('--from=build'))
      .map((args) => args.split(/\s+/).slice(1));
    expect(fromBuild).toEqual(
      expect.arrayContaining([
        ['/app/node_modules', './node_modules'],
        ['/app/dist', './dist'],
        ['/runtime/libs', './libs'],
      ]),
    );
    // /runtime/libs is assembled from each lib's package.json and dist/, which is all a lib
    // needs: its package.json points node at dist/.
    expect(buildRuns.join(' && ')).toMatch(
      /for lib in libs\/\*\/; do .*cp -r "\$lib\/package.json" "\$lib\/dist" "\/runtime\/\$lib"/,
    );
    expect(libs.length).toBeGreaterThan(0);
    for (const lib of libs) {
      const manifest = record(readJson(`${lib}/package.json`), `${lib}/package.json`);
      expect({ lib, main: manifest.main }).toEqual({ lib, main: 'dist/index.js' });
    }
  });

  it("gives the runtime every folder a lib's package.json ships besides dist/ (the console's page/)", () => {
    const loop = buildRuns.find((run) => run.startsWith('for lib in libs/*/;')) ?? '';
    for (const lib of libs) {
      const manifest = record(readJson(`${lib}/package.json`), `${lib}/package.json`);
      const folders = list(manifest.files ?? [], `${lib} files`)
        .map((entry) => text(entry, `${lib} files`))
        .filter((entry) => !entry.startsWith('!') && !entry.startsWith('dist/'))
        .map((entry) => entry.split('/')[0]);
      for (const folder of folders) {
        expect({ lib, folder, copied: loop.includes(`cp -r "$lib/${folder}" "/runtime/$lib"`) }).toEqual({
          lib,
          folder,
          copied: true,
        });
      }
    }
  });

  it('runs as the unprivileged node user', () => {
    expect(argsOf(runtime, 'USER')).toEqual(['node']);
  });

  it('starts dist/apps/<APP>/src/main.js, APP being a build argument compose sets', () => {
    expect(argsOf(runtime, 'ARG').map((arg) => arg.split('=')[0])).toContain('APP');
    expect(argsOf(runtime, 'CMD').join(' ')).toContain('dist/apps/${APP}/src/main.js');
    for (const app of APP_NAMES) {
      const buildArgs = Object.keys(record(record(service(app).build, 'build').args, 'build.args'));
      const declared = argsOf(instructions, 'ARG').map((arg) => arg.split('=')[0]);
      expect(declared).toEqual(expect.arrayContaining(buildArgs));
    }
  });

  it('has a .dockerignore that lets in exactly what the build stage copies', () => {
    const rules = readText('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(rules[0]).toBe('*');
    const included = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1));
    const copied = argsOf(stages[0], 'COPY')
      .filter((args) => !args.startsWith('--from'))
      .flatMap((args) => args.split(/\s+/).slice(0, -1));
    const letIn = (path: string) => included.filter((rule) => path === rule || path.startsWith(`${rule}/`));
    for (const path of copied)
      expect({ path, letInBy: letIn(path).length > 0 }).toEqual({ path, letInBy: true });
    for (const rule of included)
      expect({ rule, used: copied.some((path) => letIn(path).includes(rule)) }).toEqual({ rule, used: true });
    expect(included).not.toContain('node_modules');
    expect(included).not.toContain('dist');
  });
});

describe('ops/prometheus/prometheus.yml', () => {
  const config = record(readYaml('ops/prometheus/prometheus.yml'), 'prometheus.yml');
  const jobs = list(config.scrape_configs, 'scrape_configs').map((job, i) =>
    record(job, `scrape_configs[${i}]`),
  );

  it.each(APP_NAMES)('scrapes %s at <service>:<PORT>/metrics, as job <service>', (app) => {
    const job = jobs.find((candidate) => candidate.job_name === app);
    expect(job).toBeDefined();
    expect(job!.metrics_path ?? '/metrics').toBe('/metrics');
    const targets = list(job!.static_configs, `${app}.static_configs`).flatMap((group) =>
      list(record(group, 'static_config').targets, 'targets'),
    );
    expect(targets).toEqual([`${app}:${envOf(app).PORT}`]);
  });

  it('loads rule files that compose mounts next to it', () => {
    const configDir = posix.dirname(mountTarget('prometheus', 'ops/prometheus/prometheus.yml')!);
    const ruleFiles = list(config.rule_files, 'rule_files').map((file) => text(file, 'rule_files[]'));
    expect(ruleFiles.length).toBeGreaterThan(0);
    const mounted = mountsOf(service('prometheus'), 'prometheus').map((m) => m.target);
    for (const file of ruleFiles) expect(mounted).toContain(posix.resolve(configDir, file));
  });
});

describe('ops/grafana/provisioning', () => {
  const datasources = list(
    record(readYaml('ops/grafana/provisioning/datasources/prometheus.yml'), 'datasources file').datasources,
    'datasources',
  ).map((ds, i) => record(ds, `datasources[${i}]`));
  const providers = list(
    record(readYaml('ops/grafana/provisioning/dashboards/courier.yml'), 'dashboards file').providers,
    'providers',
  ).map((provider, i) => record(provider, `providers[${i}]`));

  it('provisions one Prometheus datasource, with a uid, at the prometheus service', () => {
    expect(datasources).toHaveLength(1);
    const [ds] = datasources;
    expect(ds.type).toBe('prometheus');
    expect(text(ds.uid, 'uid')).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    const url = new URL(text(ds.url, 'url'));
    expect(url.hostname).toBe('prometheus');
    const published = portsOf(service('prometheus'), 'prometheus').map((p) => p.container);
    expect(published).toContain(url.port);
  });

  it("tells Grafana Prometheus's scrape interval, which $__rate_interval is derived from", () => {
    const prometheus = record(readYaml('ops/prometheus/prometheus.yml'), 'prometheus.yml');
    expect(record(datasources[0].jsonData, 'jsonData').timeInterval).toBe(
      record(prometheus.global, 'global').scrape_interval,
    );
  });

  it('loads dashboards from the directory compose mounts ops/grafana/dashboards at', () => {
    expect(providers).toHaveLength(1);
    expect(providers[0].type).toBe('file');
    expect(record(providers[0].options, 'options').path).toBe(
      mountTarget('grafana', 'ops/grafana/dashboards'),
    );
  });
});
