import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import { connect } from 'amqplib';
import type { Client } from 'pg';
import { chromium, type Browser, type Dialog, type Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { InboxService } from '@courier-nest/inbox';
import { OutboxService } from '@courier-nest/outbox';
import { sendConfirmed } from '../harness/broker';
import { CONSOLE_TOKEN, startConsoleApp, type ConsoleApp } from '../harness/console-app';
import { openDatabase } from '../harness/database';
import { AMQP_URL } from '../harness/env';
import { waitFor } from '../harness/wait-for';

const SCREENSHOT = join(__dirname, '..', '..', 'test-artifacts', 'console-page.png');
const HOSTILE = '<img src=x onerror=alert(1)>';

/**
 * The console's web page in a real browser (the system's Chromium, driven by playwright-core)
 * against a real service (PostgreSQL, RabbitMQ): an inbox handler and a consumer that fail
 * until fixed, an outbox destination nothing is bound to.
 */
describe('Console page in Chromium: the dead lists, replay, purge, journey, refresh, text only', () => {
  let fixture: ConsoleApp;
  let db: Client;
  let browser: Browser;
  let page: Page;
  /** Dialogs the page opened; only the purge confirmations are expected, and only while `confirming`. */
  const unexpectedDialogs: string[] = [];
  const confirmations: string[] = [];
  let confirming = false;
  const cspViolations: string[] = [];
  const ids = { plain: randomUUID(), hostile: randomUUID(), late: randomUUID() };

  const statusOf = async (messageId: string): Promise<string | undefined> => {
    const { rows } = await db.query(
      `SELECT status FROM "${fixture.schema}".inbox_handler_states WHERE message_id = $1 AND handler_key = 'flaky'`,
      [messageId],
    );
    return rows[0]?.status;
  };
  const receive = (id: string, note: string) =>
    fixture.app
      .get(InboxService)
      .receive({ id, eventType: fixture.eventType, type: 'order_created', payload: { note } });
  const row = (messageId: string) =>
    page.locator(`[data-testid="dead-inbox-row"][data-message-id="${messageId}"]`);
  const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
  const overviewDead = async () =>
    (await page
      .locator('[data-testid="overview-inbox-row"][data-handler-key="flaky"] [data-field="dead"]')
      .textContent()) ?? '';
  const pageShows = (what: string, probe: () => Promise<boolean>) =>
    waitFor(probe, what, { timeoutMs: 15_000 });

  beforeAll(async () => {
    db = await openDatabase();
    fixture = await startConsoleApp({ logger: quietAboutDeaths });
    await receive(ids.plain, 'plain order');
    await receive(ids.hostile, HOSTILE);
    for (const id of [ids.plain, ids.hostile]) {
      await waitFor(async () => (await statusOf(id)) === 'dead', `${id} dead`);
    }

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({
      // The browser's Basic prompt: any user name, the token as password.
      httpCredentials: { username: 'operator', password: CONSOLE_TOKEN },
      viewport: { width: 1400, height: 1000 },
    });
    page = await context.newPage();
    page.on('dialog', (dialog: Dialog) => {
      if (confirming && dialog.type() === 'confirm') {
        confirmations.push(dialog.message());
        void dialog.accept();
      } else {
        unexpectedDialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      }
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    await db?.end();
  });

  it('loads the page with the credentials the browser asked for, and shows the overview', async () => {
    const response = await page.goto(fixture.url);
    expect(response?.status()).toBe(200);
    await pageShows('the principal', async () => (await text('principal')) === 'signed in as token');
    await pageShows('two dead runs in the overview', async () => (await overviewDead()) === '2');
    expect(await page.getByTestId('overview-inbox').isVisible()).toBe(true);
  });

  it('lists the dead inbox handler runs with their attempts and error', async () => {
    await page.getByTestId('tab-inbox').click();
    await row(ids.plain).waitFor();
    expect(await row(ids.plain).getAttribute('data-handler-key')).toBe('flaky');
    expect(await row(ids.plain).getByTestId('row-error').textContent()).toContain(
      'flaky handler failed on plain order',
    );
    expect(await row(ids.plain).locator('[data-field="attempts"]').textContent()).toBe('2 of 2');
    expect(JSON.parse((await row(ids.plain).getByTestId('row-payload').textContent()) ?? '')).toEqual({
      note: 'plain order',
    });
  });

  it('shows a payload and an error holding markup as that literal text, and runs nothing', async () => {
    const hostile = row(ids.hostile);
    await hostile.waitFor();
    expect(await hostile.getByTestId('row-payload').textContent()).toContain(`"note": "${HOSTILE}"`);
    expect(await hostile.getByTestId('row-error').textContent()).toContain(
      `flaky handler failed on ${HOSTILE}`,
    );
    expect(await page.locator('[data-testid="dead-rows"] img').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(unexpectedDialogs).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('keeps a screenshot of the page as a test artifact', async () => {
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(readFileSync(SCREENSHOT).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
  });

  it('refreshes by itself: a run that dies after the page opened appears, and the selection stays', async () => {
    await row(ids.plain).getByTestId('row-select').check();
    await receive(ids.late, 'late order');
    await waitFor(async () => (await statusOf(ids.late)) === 'dead', 'the late run dead');
    await pageShows('three dead runs in the overview', async () => (await overviewDead()) === '3');
    await row(ids.late).waitFor();
    expect(await row(ids.plain).getByTestId('row-select').isChecked()).toBe(true);
    expect(await text('selection-count')).toBe('1 selected');
  });

  it('replays a dead run with its button: the handler runs again and the overview counts one fewer', async () => {
    fixture.state.inboxFixed = true;
    await row(ids.plain).getByTestId('replay-button').click();
    await pageShows(
      'the replay reported',
      async () => (await text('status-line')) === 'Replayed 1 dead inbox handler run.',
    );
    await waitFor(async () => (await statusOf(ids.plain)) === 'done', 'the replayed run done');
    expect(fixture.state.inboxDone).toContain(ids.plain);
    await pageShows('two dead runs in the overview', async () => (await overviewDead()) === '2');
    await pageShows('the row gone', async () => (await row(ids.plain).count()) === 0);
    expect(await text('selection-count')).toBe('');
  });

  it('purges the selected run after the operator confirms', async () => {
    await row(ids.hostile).getByTestId('row-select').check();
    confirming = true;
    try {
      await page.getByTestId('purge-selected').click();
      await pageShows(
        'the purge reported',
        async () => (await text('status-line')) === 'Purged 1 dead inbox handler run.',
      );
    } finally {
      confirming = false;
    }
    expect(confirmations).toEqual(['Purge 1 dead inbox handler run? This cannot be undone.']);
    expect(await statusOf(ids.hostile)).toBeUndefined();
    await pageShows('one dead run in the overview', async () => (await overviewDead()) === '1');
  });

  it('replays all runs matching the filters', async () => {
    await page.getByTestId('filter-error').fill('late order');
    await page.getByTestId('filter-apply').click();
    await pageShows(
      'the filtered list',
      async () => (await page.getByTestId('dead-inbox-row').count()) === 1,
    );
    await page.getByTestId('replay-all').click();
    await pageShows(
      'the replay reported',
      async () => (await text('status-line')) === 'Replayed 1 dead inbox handler run.',
    );
    await waitFor(async () => (await statusOf(ids.late)) === 'done', 'the late run done');
    await pageShows('no dead runs in the overview', async () => (await overviewDead()) === '0');
  });

  it('lists a dead outbox message with its error, and purges all matching its destination', async () => {
    const dataSource = fixture.app.get<DataSource>(getDataSourceToken());
    const [id] = await dataSource.transaction((manager) =>
      fixture.app.get(OutboxService).publish(manager, {
        destination: fixture.unrouted,
        type: 'nobody_listens',
        payload: { note: 'lost' },
      }),
    );
    await page.getByTestId('tab-outbox').click();
    const outboxRow = page.locator(`[data-testid="dead-outbox-row"][data-message-id="${id}"]`);
    await outboxRow.waitFor({ timeout: 15_000 }); // the relay's attempts, then the page's refresh
    expect(await outboxRow.getByTestId('row-error').textContent()).toMatch(/unroutable/);
    expect(await outboxRow.getByTestId('replay-button').textContent()).toBe('Requeue');

    await page.getByTestId('filter-destination').fill(fixture.unrouted);
    await page.getByTestId('filter-apply').click();
    confirming = true;
    try {
      await page.getByTestId('purge-all').click();
      await pageShows(
        'the purge reported',
        async () => (await text('status-line')) === 'Purged 1 dead outbox message.',
      );
    } finally {
      confirming = false;
    }
    expect(confirmations.at(-1)).toBe(
      'Purge every dead outbox message matching the filters? This cannot be undone.',
    );
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM "${fixture.schema}".outbox_messages WHERE id = $1`,
      [id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('lists a consumer dead letter of the chosen queue, and requeues it', async () => {
    const messageId = `page-job-${randomUUID()}`;
    const amqp = await connect(AMQP_URL);
    try {
      const channel = await amqp.createConfirmChannel();
      await sendConfirmed(channel, fixture.queue, Buffer.from(JSON.stringify({ job: 'page' })), {
        messageId,
        contentType: 'application/json',
      });
    } finally {
      await amqp.close();
    }
    await page.getByTestId('tab-consumer').click();
    expect(await page.getByTestId('filter-queue').inputValue()).toBe(fixture.queue);
    const letter = page.locator(`[data-testid="dead-consumer-row"][data-message-id="${messageId}"]`);
    await letter.waitFor({ timeout: 15_000 });
    expect(await letter.getByTestId('row-error').textContent()).toContain('job refused until fixed');

    fixture.state.consumerFixed = true;
    await letter.getByTestId('replay-button').click();
    await pageShows(
      'the requeue reported',
      async () => (await text('status-line')) === 'Requeued 1 dead letter.',
    );
    await waitFor(
      () => fixture.state.consumed.some((c) => c.messageId === messageId),
      'the requeued job consumed',
    );
    await pageShows(
      'no dead letters in the overview',
      async () =>
        (await page
          .locator(`[data-testid="overview-consumer-row"][data-queue="${fixture.queue}"] [data-field="dead"]`)
          .textContent()) === '0',
    );
  });

  it("follows a message by id: its steps and the inbox's record", async () => {
    await page.getByTestId('journey-input').fill(ids.plain);
    await page.getByTestId('journey-button').click();
    await pageShows(
      'the journey',
      async () => (await page.getByTestId('journey-steps').locator('li').count()) > 0,
    );
    expect(await text('journey-inbox')).toContain(ids.plain);
    expect(await text('journey-inbox')).toContain('flaky');
  });

  it("shows the API's message when a call is refused", async () => {
    await page.getByTestId('journey-input').fill('no-such-message');
    await page.getByTestId('journey-button').click();
    await pageShows('the error in the status line', async () =>
      /^Journey of no-such-message: \S/.test(await text('status-line')),
    );
    expect(await page.getByTestId('status-line').getAttribute('class')).toContain('error');
  });

  it('opened no dialog but the purge confirmation, and broke no CSP rule', () => {
    expect(unexpectedDialogs).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});

/** The deaths this suite causes on purpose: an inbox run, an outbox message, a consumer's job. */
const EXPECTED_DEATHS = /is dead for message|are dead after \d+ attempts|dead-lettered: rejected/;

/** The app's log, without the reports of the deaths the suite causes. */
const quietAboutDeaths = {
  log: () => undefined,
  warn: (message: unknown, ...rest: unknown[]) => console.warn(String(message), ...rest),
  error: (message: unknown, ...rest: unknown[]) => {
    if (!EXPECTED_DEATHS.test(String(message))) console.error(String(message), ...rest);
  },
};
