import { runCourierConsole } from './cli.runner';
import { FakeConsoleServer } from './testing/fake-console.server';
import { freeLoopbackUrl } from './testing/free-loopback-url';

const TOKEN = 'runner-secret-token-0123';
const RUN = { messageId: 'm-1', handlerKey: 'reserve_stock' };
const deadRun = (messageId: string) => ({
  ...RUN,
  messageId,
  eventType: 'order_events',
  messageType: 'order_created',
  payload: '{"orderId":"o-1"}',
  attempts: 1,
  maxAttempts: 5,
  lastError: 'order_created needs at least one line',
  deadAt: '2026-12-02T15:00:00Z',
});

describe('runCourierConsole', () => {
  let server: FakeConsoleServer;
  beforeEach(async () => (server = await FakeConsoleServer.start()));
  afterEach(() => server.stop());

  async function run(argv: string[], env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await runCourierConsole(argv, {
      env: { COURIER_CONSOLE_URL: server.url, COURIER_CONSOLE_TOKEN: TOKEN, ...env },
      io: { out: (text) => (stdout += text), err: (text) => (stderr += text) },
      timeoutMs: 2_000,
    });
    // Whatever happened, the token is in neither stream.
    expect(stdout + stderr).not.toContain(TOKEN);
    return { code, stdout, stderr };
  }

  it('prints help with exit 0, for the tool and for one command', async () => {
    expect(await run(['--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('courier-console dead list outbox'),
    });
    const purge = await run(['purge', '--help']);
    expect(purge.stdout).toMatch(/^courier-console purge outbox\|inbox\|consumer/);
    expect(purge.stdout).toContain('Exit codes: 0 done');
  });

  it('exits 2 with the problem and a pointer to help for a usage error, asking the console nothing', async () => {
    expect(await run(['purge', 'inbox', 'm-1/reserve_stock'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'courier-console: purge deletes dead entries for good: they cannot be replayed afterwards. Add --yes to confirm.\n' +
        'See courier-console purge --help.\n',
    });
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['overview'], { COURIER_CONSOLE_URL: '' })).stderr).toMatch(/No console URL/);
    expect(server.requests).toEqual([]);
  });

  it('lists dead inbox runs as a table, following the cursor to the end with --all-pages', async () => {
    server.on('GET /courier/api/inbox/dead', (request) =>
      request.url.includes('cursor=c2')
        ? { body: { items: [deadRun('m-2')], nextCursor: null } }
        : { body: { items: [deadRun('m-1')], nextCursor: 'c2' } },
    );
    const { code, stdout } = await run([
      'dead',
      'list',
      'inbox',
      '--handler-key',
      'reserve_stock',
      '--limit',
      '1',
      '--all-pages',
    ]);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'RUN (MESSAGE ID/HANDLER KEY)  TYPE           ATTEMPTS  DEAD AT               LAST ERROR',
      'm-1/reserve_stock             order_created       1/5  2026-12-02 15:00:00Z  order_created needs at least one line',
      'm-2/reserve_stock             order_created       1/5  2026-12-02 15:00:00Z  order_created needs at least one line',
      '2 dead inbox handler runs.',
      '',
    ]);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/courier/api/inbox/dead?handlerKey=reserve_stock&limit=1',
      '/courier/api/inbox/dead?handlerKey=reserve_stock&limit=1&cursor=c2',
    ]);
  });

  it('prints one page with the way to the next, and --json as the API answered', async () => {
    server.on('GET /courier/api/inbox/dead', { body: { items: [deadRun('m-1')], nextCursor: 'c2' } });
    expect((await run(['dead', 'list', 'inbox'])).stdout).toContain(
      '1 dead inbox handler run. More: add --cursor c2, or --all-pages.\n',
    );
    const json = await run(['dead', 'list', 'inbox', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ items: [deadRun('m-1')], nextCursor: 'c2' });
  });

  it('stops --all-pages when the console hands back a cursor it gave already', async () => {
    server.on('GET /courier/api/inbox/dead', { body: { items: [deadRun('m-1')], nextCursor: 'same' } });
    const result = await run(['dead', 'list', 'inbox', '--all-pages']);
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("the console's pages do not advance"),
    });
  });

  it('replays inbox runs with the CSRF token, and says which were not dead', async () => {
    server
      .on('GET /courier/api/session', { body: { principal: 'token', csrfToken: 'csrf-9', components: {} } })
      .on('POST /courier/api/inbox/dead/replay', { body: { replayed: 1, runs: [RUN] } });
    const result = await run(['replay', 'inbox', 'm-1/reserve_stock', 'm-2/reserve_stock']);
    expect(result).toEqual({
      code: 0,
      stdout:
        'Replayed 1 dead inbox handler run.\nNot dead (already replayed or purged, or never dead): m-2/reserve_stock\n',
      stderr: '',
    });
    expect(server.requests[1]).toMatchObject({
      method: 'POST',
      headers: { 'x-courier-csrf': 'csrf-9' },
      body: { runs: [RUN, { messageId: 'm-2', handlerKey: 'reserve_stock' }] },
    });
  });

  it('sends purge its confirmation', async () => {
    server
      .on('GET /courier/api/session', { body: { csrfToken: 'c' } })
      .on('POST /courier/api/consumer/dead/purge', { body: { purged: 4 } });
    expect(await run(['purge', 'consumer', '--queue', 'jobs', '--all', '--yes'])).toMatchObject({
      code: 0,
      stdout: 'Purged 4 dead letters.\n',
    });
    expect(server.requests[1].body).toEqual({ queue: 'jobs', all: true, confirm: 'purge' });
  });

  it('exits 1 on a 401 with its message and what to check, never the credentials', async () => {
    server.on('GET /courier/api/overview', {
      status: 401,
      body: { statusCode: 401, message: 'Unauthorized' },
    });
    const result = await run(['overview', '--user', 'ops', '--password', 'hunter2-password']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `courier-console: ${server.url} answered 401 Unauthorized: Unauthorized\n` +
        'Check --token (or COURIER_CONSOLE_TOKEN), or --user and --password.\n',
    });
    expect(result.stderr).not.toContain('hunter2');
  });

  it("exits 1 with the API's status and message for any other refusal", async () => {
    server.on('GET /courier/api/outbox/dead', {
      status: 400,
      body: { statusCode: 400, message: '"limit" must be a whole number from 1 to 200; got "500".' },
    });
    expect(await run(['dead', 'list', 'outbox', '--limit', '500'])).toMatchObject({
      code: 1,
      stderr: `courier-console: ${server.url} answered 400 Bad Request: "limit" must be a whole number from 1 to 200; got "500".\n`,
    });
  });

  it('suggests the mount URL when the service answers 404 for the console', async () => {
    const result = await run(['journey', 'm-1'], {
      COURIER_CONSOLE_URL: server.url.replace('/courier', '/wrong'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /answered 404 Not Found: Cannot GET \/wrong\/api\/messages\/m-1\nIs --url the console's mount URL/,
    );
  });

  it('says in one line that nothing answered, naming the URL without its credentials', async () => {
    const url = (await freeLoopbackUrl()).replace('http://', 'http://ops:url-password-1@');
    const result = await run(['overview', '--url', url]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `courier-console: nothing answered at ${url.replace('ops:url-password-1@', '')} (connection refused): is the service running, and is --url right?\n`,
    });
  });

  it('prints the journey steps', async () => {
    server.on('GET /courier/api/messages/m%2F1', {
      body: {
        id: 'm/1',
        traceId: null,
        outbox: null,
        published: null,
        inbox: {
          eventType: 'order_events',
          handlers: [{ handlerKey: 'reserve_stock', status: 'done', attempts: 1, maxAttempts: 5 }],
        },
        steps: [{ at: '2026-12-02T15:00:00Z', what: 'received into the inbox as "order_events"' }],
      },
    });
    const { stdout } = await run(['journey', 'm/1']);
    expect(stdout).toContain('  inbox:     received as order_events: reserve_stock done (1/5)\n');
    expect(stdout).toContain('Steps:\n  2026-12-02 15:00:00Z  received into the inbox as "order_events"\n');
  });
});
