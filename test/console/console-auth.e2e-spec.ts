import {
  Injectable,
  Module,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type LoggerService,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConsoleConfigurationError, CourierConsoleModule } from '@courier-nest/console';
import { CONSOLE_TOKEN } from '../harness/console-app';
import { ConsoleClient } from '../harness/console-client';

/** Issue 15, what must be shown 3: no credentials, wrong credentials, forged posts, no auth configured. */
type ConsoleModuleOptions = Parameters<typeof CourierConsoleModule.forRoot>[0];

async function startConsole(
  options: ConsoleModuleOptions,
  logger?: LoggerService,
): Promise<INestApplication> {
  @Module({ imports: [CourierConsoleModule.forRoot(options)] })
  class ConsoleOnlyModule {}
  const app = await NestFactory.create(ConsoleOnlyModule, {
    logger: logger ?? ['error'],
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  return app;
}

const urlOf = async (app: INestApplication, path = 'courier') =>
  `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/${path}`;

const READS = [
  '',
  'assets/console.js',
  'api/session',
  'api/overview',
  'api/outbox/dead',
  'api/inbox/dead',
  'api/consumer/dead?queue=jobs',
  'api/messages/abc',
];
const ACTIONS = [
  'api/outbox/dead/requeue',
  'api/outbox/dead/purge',
  'api/inbox/dead/replay',
  'api/inbox/dead/purge',
  'api/consumer/dead/requeue',
  'api/consumer/dead/purge',
];

describe('Console authentication and CSRF', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await startConsole({ auth: { token: CONSOLE_TOKEN } });
    url = await urlOf(app);
  });
  afterAll(() => app?.close());

  it('answers 401 on every endpoint without credentials, asking the browser for them', async () => {
    const anonymous = new ConsoleClient(url, null);
    for (const path of READS) {
      const response = await anonymous.get(path);
      expect([path, response.status]).toEqual([path, 401]);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="Courier console"/);
    }
    for (const path of ACTIONS) {
      const response = await fetch(`${url}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"all":true}',
      });
      expect([path, response.status]).toEqual([path, 401]);
    }
  });

  it('answers 401 to a wrong token, in either form', async () => {
    const wrongBearer = new ConsoleClient(url, `Bearer ${CONSOLE_TOKEN}x`);
    const wrongBasic = new ConsoleClient(
      url,
      `Basic ${Buffer.from(`ops:${CONSOLE_TOKEN.slice(1)}`).toString('base64')}`,
    );
    for (const path of READS) {
      expect((await wrongBearer.get(path)).status).toBe(401);
      expect((await wrongBasic.get(path)).status).toBe(401);
    }
    const body = await (await wrongBearer.get('api/session')).text();
    expect(body).not.toContain(CONSOLE_TOKEN);
  });

  it("takes the token as a bearer token or as a browser's Basic password", async () => {
    const basic = new ConsoleClient(url, `Basic ${Buffer.from(`ops:${CONSOLE_TOKEN}`).toString('base64')}`);
    expect(await basic.json<object>('api/session')).toMatchObject({
      principal: 'token',
      components: { outbox: false, inbox: false, consumer: false },
    });
    expect((await new ConsoleClient(url).get('api/outbox/dead')).status).toBe(404); // authenticated; no outbox here
  });

  it("refuses a forged cross-site post, even with the browser's credentials", async () => {
    const forged = async (headers: Record<string, string>, body = '{"all":true,"confirm":"purge"}') =>
      (
        await fetch(`${url}/api/outbox/dead/purge`, {
          method: 'POST',
          headers: { authorization: `Bearer ${CONSOLE_TOKEN}`, ...headers },
          body,
        })
      ).status;
    // What a form on another site sends: its own origin, a form body, no CSRF token.
    expect(
      await forged(
        {
          origin: 'https://evil.example',
          'sec-fetch-site': 'cross-site',
          'content-type': 'application/x-www-form-urlencoded',
        },
        'all=true&confirm=purge',
      ),
    ).toBe(403);
    // A browser that sends no fetch metadata: the origin alone refuses it.
    expect(await forged({ origin: 'https://evil.example', 'content-type': 'application/json' })).toBe(403);
    // A text/plain "simple" request needs no preflight: refused for its body type.
    expect(await forged({ 'content-type': 'text/plain' })).toBe(415);
    // JSON without the token only a same-origin read of api/session gives.
    expect(await forged({ 'content-type': 'application/json' })).toBe(403);
    expect(await forged({ 'content-type': 'application/json', 'x-courier-csrf': 'guessed' })).toBe(403);
  });

  it('serves the page with a strict content security policy', async () => {
    const page = await new ConsoleClient(url).get('');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('/courier/assets/console.js');
  });

  it('answers bad input with a 400 that names the field', async () => {
    const client = new ConsoleClient(url);
    const message = async (path: string) => {
      const response = await client.get(path);
      expect(response.status).toBe(400);
      return ((await response.json()) as { message: string }).message;
    };
    // Input is checked before the service is asked, so the absent outbox does not hide it.
    expect(await message('api/consumer/dead')).toMatch(/"queue" is required/);
    expect(await message('api/consumer/dead?queue=jobs&limit=0')).toMatch(
      /"limit" must be a whole number from 1 to 200; got "0"/,
    );
    expect(await message('api/consumer/dead?queue=jobs&colour=red')).toMatch(
      /Unknown query parameter "colour"/,
    );
    expect(await message('api/consumer/dead?queue=no%20spaces')).toMatch(/"queue" must be a name/);
  });
});

describe('Console startup', () => {
  it('refuses to start with no auth configured', async () => {
    // Nest logs the failed bootstrap too; the rejection is what this test reads.
    const silent = { log() {}, warn() {}, error() {} };
    await expect(startConsole({} as ConsoleModuleOptions, silent)).rejects.toThrow(ConsoleConfigurationError);
    await expect(startConsole({} as ConsoleModuleOptions, silent)).rejects.toThrow(/needs "auth"/);
  });

  it('warns at every start when authentication is explicitly disabled', async () => {
    const warnings: string[] = [];
    const logger = { log() {}, error() {}, warn: (message: unknown) => warnings.push(String(message)) };
    for (let start = 0; start < 2; start++) {
      const app = await startConsole({ auth: { disabled: true } }, logger);
      expect(
        (await new ConsoleClient(await urlOf(app), null).json<{ principal: string }>('api/session'))
          .principal,
      ).toBe('anonymous');
      await app.close();
    }
    expect(warnings.filter((w) => /runs WITHOUT authentication/.test(w))).toHaveLength(2);
  });

  it("runs the application's guard and names its principal", async () => {
    @Injectable()
    class HeaderGuard implements CanActivate {
      canActivate(context: ExecutionContext): boolean {
        const request = context.switchToHttp().getRequest();
        if (request.headers['x-user'] !== 'alice') return false;
        request.user = { username: 'alice' };
        return true;
      }
    }
    const app = await startConsole({ auth: { guard: HeaderGuard }, path: 'ops/console' });
    try {
      const url = await urlOf(app, 'ops/console');
      expect((await new ConsoleClient(url, null).get('api/session', { 'x-user': 'mallory' })).status).toBe(
        403,
      );
      const session = await new ConsoleClient(url, null).get('api/session', { 'x-user': 'alice' });
      expect(((await session.json()) as { principal: string }).principal).toBe('alice');
    } finally {
      await app.close();
    }
  });
});
