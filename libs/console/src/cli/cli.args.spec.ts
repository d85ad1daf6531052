import { parseCommandLine } from './cli.args';

const URL = 'http://localhost:3001/courier';
const TOKEN = 'a-token-of-sixteen-chars';
const env = { COURIER_CONSOLE_URL: URL, COURIER_CONSOLE_TOKEN: TOKEN };
const connection = { url: URL, credentials: { kind: 'token', token: TOKEN } };
const ID = '0190d2a4-5b6c-7d8e-9f00-112233445566';

describe('parseCommandLine', () => {
  it.each([
    [[], 'all'],
    [['--help'], 'all'],
    [['help'], 'all'],
    [['help', 'replay'], 'replay'],
    [['dead', 'list', 'inbox', '--help'], 'dead list'],
    [['purge', '-h'], 'purge'],
    [['journey', '--help'], 'journey'],
  ])('gives help for %j (topic %s) without needing a URL or credentials', (argv, topic) => {
    expect(parseCommandLine(argv, {})).toEqual({ kind: 'help', topic });
  });

  it('reads overview and journey with the connection from the environment', () => {
    expect(parseCommandLine(['overview'], env)).toEqual({ kind: 'overview', connection, json: false });
    expect(parseCommandLine(['journey', ID, '--json'], env)).toEqual({
      kind: 'journey',
      id: ID,
      connection,
      json: true,
    });
  });

  it("reads dead list with each component's filters under the API's names, and the page", () => {
    expect(
      parseCommandLine(
        [
          'dead',
          'list',
          'outbox',
          '--destination',
          'order_events',
          '--type=order_created',
          '--error',
          'timeout',
          '--from',
          '2026-01-02T03:04:05+01:00',
          '--limit',
          '20',
          '--cursor',
          'abc',
          '--all-pages',
          '--payload',
        ],
        env,
      ),
    ).toEqual({
      kind: 'dead list',
      component: 'outbox',
      connection,
      query: {
        destination: 'order_events',
        type: 'order_created',
        error: 'timeout',
        from: '2026-01-02T02:04:05.000Z',
        limit: 20,
        cursor: 'abc',
      },
      allPages: true,
      json: false,
      payload: true,
    });
    expect(
      parseCommandLine(
        ['dead', 'list', 'inbox', '--event-type', 'order_events', '--handler-key', 'reserve_stock'],
        env,
      ),
    ).toMatchObject({
      query: { eventType: 'order_events', handlerKey: 'reserve_stock' },
    });
    expect(
      parseCommandLine(['dead', 'list', 'consumer', '--queue', 'jobs', '--offset', '50'], env),
    ).toMatchObject({
      query: { queue: 'jobs', offset: 50 },
    });
  });

  it('reads replay by ids: outbox UUIDs (lower-cased, duplicates once), inbox runs, consumer message ids', () => {
    expect(parseCommandLine(['replay', 'outbox', ID.toUpperCase(), ID], env)).toEqual({
      kind: 'replay',
      component: 'outbox',
      connection,
      body: { ids: [ID] },
      named: [ID],
      json: false,
    });
    expect(
      parseCommandLine(['replay', 'inbox', 'msg-1/reserve_stock', 'a/b/c/schedule_pickup'], env),
    ).toMatchObject({
      body: {
        runs: [
          { messageId: 'msg-1', handlerKey: 'reserve_stock' },
          { messageId: 'a/b/c', handlerKey: 'schedule_pickup' },
        ],
      },
    });
    expect(parseCommandLine(['replay', 'consumer', '--queue', 'jobs', 'm1', 'm2'], env)).toMatchObject({
      body: { queue: 'jobs', messageIds: ['m1', 'm2'] },
    });
  });

  it('reads replay --all with the filters, and purge with its confirmation', () => {
    expect(
      parseCommandLine(['replay', 'inbox', '--all', '--handler-key', 'reserve_stock'], env),
    ).toMatchObject({
      body: { all: true, filter: { handlerKey: 'reserve_stock' } },
      named: [],
    });
    expect(parseCommandLine(['replay', 'outbox', '--all'], env)).toMatchObject({
      body: { all: true, filter: {} },
    });
    expect(parseCommandLine(['purge', 'consumer', '--queue', 'jobs', '--all', '--yes'], env)).toMatchObject({
      kind: 'purge',
      body: { queue: 'jobs', all: true, confirm: 'purge' },
    });
    expect(parseCommandLine(['purge', 'outbox', ID, '--yes'], env)).toMatchObject({
      body: { ids: [ID], confirm: 'purge' },
    });
  });

  it('takes --user / --password for Basic credentials, and the options before the command', () => {
    expect(
      parseCommandLine(['--url', URL, '--user', 'ops', '--password', 'pw', 'overview'], {}),
    ).toMatchObject({
      connection: { url: URL, credentials: { kind: 'basic', username: 'ops', password: 'pw' } },
    });
  });

  it.each([
    [['deadletters'], /Unknown command "deadletters": use overview, dead list, replay, purge or journey/],
    [['dead', 'show', 'inbox'], /Unknown command "dead show": use "dead list"/],
    [['dead', 'list'], /"dead list" needs outbox, inbox or consumer\./],
    [['dead', 'list', 'queue'], /"dead list" needs outbox, inbox or consumer; got "queue"/],
    [['overview', '--bogus'], /Unknown option --bogus/],
    [['overview', '--url'], /--url needs a value/],
    [['overview', '--json=yes'], /--json takes no value/],
    [['overview', '--limit', '5'], /"overview" does not take --limit\./],
    [
      ['dead', 'list', 'outbox', '--queue', 'q'],
      /"dead list outbox" does not take --queue; its options: --destination/,
    ],
    [['dead', 'list', 'inbox', '--offset', '5'], /does not take --offset/],
    [['dead', 'list', 'consumer'], /"dead list consumer" needs --queue <queue>/],
    [['dead', 'list', 'outbox', '--limit', '0'], /--limit must be a whole number from 1 to 100000; got "0"/],
    [
      ['dead', 'list', 'outbox', '--from', 'yesterday'],
      /--from must be a time such as 2026-12-02T15:00:00Z; got "yesterday"/,
    ],
    [['dead', 'list', 'outbox', '--limit', '1', '--limit', '2'], /--limit is given twice/],
    [['replay', 'outbox'], /"replay outbox" needs the ids to replay, or --all/],
    [['replay', 'outbox', 'not-a-uuid'], /"not-a-uuid" is not an outbox message id \(a UUID/],
    [['replay', 'outbox', ID, '--all'], /takes ids or --all, not both/],
    [['replay', 'outbox', ID, '--destination', 'd'], /filters select entries only with --all/],
    [['replay', 'inbox', 'msg-1'], /"msg-1" is not an inbox handler run: write <messageId>\/<handlerKey>/],
    [['replay', 'inbox', '/reserve_stock'], /is not an inbox handler run/],
    [['replay', 'inbox', 'm/bad key'], /is not an inbox handler run/],
    [['replay', 'consumer', 'm1'], /"replay consumer" needs --queue <queue>/],
    [['replay', 'consumer', '--queue', 'q', '--all', '--error', 'x'], /does not take --error/],
    [
      ['purge', 'outbox', ID],
      /purge deletes dead entries for good: they cannot be replayed afterwards. Add --yes/,
    ],
    [['replay', 'outbox', ID, '--yes'], /"replay outbox" does not take --yes/],
    [['journey'], /"journey" takes one message id/],
    [['overview', 'extra'], /"overview" takes no arguments; got "extra"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommandLine(argv, env)).toThrow(message);
  });

  it('refuses an inbox handler run list of more than the API takes at once', () => {
    const runs = Array.from({ length: 1_001 }, (_, i) => `m${i}/k`);
    expect(() => parseCommandLine(['replay', 'inbox', ...runs], env)).toThrow(
      /at most 1000 ids at once; got 1001/,
    );
  });
});
