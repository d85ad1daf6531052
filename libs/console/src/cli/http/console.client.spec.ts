import { ConsoleAnswerError, ConsoleRefusedError, ConsoleUnreachableError } from '../errors';
import { freeLoopbackUrl } from '../testing/free-loopback-url';
import { FakeConsoleServer } from '../testing/fake-console.server';
import { ConsoleClient } from './console.client';

describe('ConsoleClient', () => {
  let server: FakeConsoleServer;
  beforeEach(async () => (server = await FakeConsoleServer.start()));
  afterEach(() => server.stop());

  const tokenClient = () =>
    new ConsoleClient({ url: server.url, credentials: { kind: 'token', token: 'the-token' } });

  it('GETs with the bearer token and the query, leaving out unset parameters', async () => {
    server.on('GET /courier/api/outbox/dead', { body: { items: [], nextCursor: null } });
    await expect(
      tokenClient().get('api/outbox/dead', { destination: 'a b', limit: 5, cursor: undefined }),
    ).resolves.toEqual({
      items: [],
      nextCursor: null,
    });
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      url: '/courier/api/outbox/dead?destination=a+b&limit=5',
      headers: { authorization: 'Bearer the-token', accept: 'application/json' },
    });
  });

  it('sends Basic credentials', async () => {
    server.on('GET /courier/api/overview', { body: {} });
    await new ConsoleClient({
      url: server.url,
      credentials: { kind: 'basic', username: 'ops', password: 'p:w' },
    }).get('api/overview');
    expect(server.requests[0].headers.authorization).toBe(
      `Basic ${Buffer.from('ops:p:w').toString('base64')}`,
    );
  });

  it('reads the CSRF token from api/session once, then POSTs JSON with it', async () => {
    server
      .on('GET /courier/api/session', { body: { principal: 'token', csrfToken: 'csrf-1', components: {} } })
      .on('POST /courier/api/outbox/dead/requeue', (request) => ({
        body: { requeued: 1, echo: request.body },
      }));
    const client = tokenClient();
    await expect(client.post('api/outbox/dead/requeue', { ids: ['x'] })).resolves.toEqual({
      requeued: 1,
      echo: { ids: ['x'] },
    });
    await client.post('api/outbox/dead/requeue', { ids: ['y'] });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /courier/api/session',
      'POST /courier/api/outbox/dead/requeue',
      'POST /courier/api/outbox/dead/requeue',
    ]);
    expect(server.requests[1].headers).toMatchObject({
      'x-courier-csrf': 'csrf-1',
      'content-type': 'application/json',
      authorization: 'Bearer the-token',
    });
    expect(server.requests[1].headers.origin).toBeUndefined();
  });

  it("turns a refusal into its status and the API's message (a list of messages joined)", async () => {
    server
      .on('GET /courier/api/overview', { status: 401, body: { statusCode: 401, message: 'Unauthorized' } })
      .on('GET /courier/api/inbox/dead', {
        status: 400,
        body: { statusCode: 400, message: ['"limit" must be…', '"x" unknown'] },
      });
    await expect(tokenClient().get('api/overview')).rejects.toEqual(
      new ConsoleRefusedError(server.url, 401, 'Unauthorized', 'Unauthorized'),
    );
    await expect(tokenClient().get('api/inbox/dead')).rejects.toMatchObject({
      status: 400,
      apiMessage: '"limit" must be…; "x" unknown',
    });
  });

  it('does not follow a redirect, and says where it pointed (without credentials)', async () => {
    server.on('GET /courier/api/overview', {
      status: 302,
      headers: { location: 'https://u:pw@login.example/' },
    });
    await expect(tokenClient().get('api/overview')).rejects.toMatchObject({
      status: 302,
      apiMessage: 'a redirect to https://login.example/',
    });
  });

  it('refuses a success that is not JSON: --url is not the console', async () => {
    server.on('GET /courier/api/overview', { raw: '<html>the service</html>' });
    await expect(tokenClient().get('api/overview')).rejects.toEqual(
      new ConsoleAnswerError(server.url, '200 text/html'),
    );
  });

  it('says nothing answered when nothing listens, and when the answer takes too long', async () => {
    const url = await freeLoopbackUrl();
    await expect(
      new ConsoleClient({ url, credentials: { kind: 'token', token: 't' } }).get('api/overview'),
    ).rejects.toEqual(new ConsoleUnreachableError(url, 'connection refused'));
    server.on('GET /courier/api/overview', { hang: true });
    const slow = new ConsoleClient({ url: server.url, credentials: { kind: 'token', token: 't' } }, 200);
    await expect(slow.get('api/overview')).rejects.toEqual(
      new ConsoleUnreachableError(server.url, 'no answer within 200 ms'),
    );
  });
});
