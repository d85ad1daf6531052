import { age, formatOverview } from './overview.format';

describe('formatOverview', () => {
  it('prints a table per component, and says which the service does not have', () => {
    const text = formatOverview({
      at: '2026-12-02T15:00:00.000Z',
      outbox: {
        destinations: [{ destination: 'order_events', pending: 3, oldestPendingAgeMs: 120, dead: 1 }],
      },
      inbox: {
        handlers: [
          {
            eventType: 'order_events',
            handlerKey: 'reserve_stock',
            pending: 0,
            running: 1,
            failedWaiting: 2,
            dead: 1,
          },
        ],
      },
      consumer: null,
    });
    expect(text).toBe(
      [
        'Courier at 2026-12-02 15:00:00Z',
        '',
        'Outbox:',
        'DESTINATION   PENDING  OLDEST PENDING  DEAD',
        'order_events        3          120 ms     1',
        '',
        'Inbox:',
        'EVENT TYPE    HANDLER KEY    PENDING  RUNNING  FAILED  DEAD',
        'order_events  reserve_stock        0        1       2     1',
        '',
        'Consumer: not in this service.',
        '',
      ].join('\n'),
    );
  });

  it('says when a component has nothing yet', () => {
    expect(
      formatOverview({
        at: '2026-12-02T15:00:00Z',
        outbox: { destinations: [] },
        inbox: null,
        consumer: { queues: [] },
      }),
    ).toContain('Outbox: nothing yet.\n');
  });

  it('says why a consumer queue has no figures', () => {
    const text = formatOverview({
      at: '2026-12-02T15:00:00Z',
      outbox: null,
      inbox: null,
      consumer: {
        queues: [
          {
            queue: 'jobs',
            depth: 4,
            consumers: 1,
            retryDepth: 0,
            deadLetterQueue: 'jobs.dead',
            deadDepth: 1,
          },
          { queue: 'mail', error: 'channel closed: 404 NOT_FOUND' } as never,
        ],
      },
    });
    expect(text).toContain('jobs       4          1         0     1  jobs.dead\n');
    expect(text).toContain(
      'mail       -          -         -     -  -\nmail: the broker did not answer: channel closed: 404 NOT_FOUND\n',
    );
  });

  it.each([
    [null, '-'],
    [950, '950 ms'],
    [75_000, '75 s'],
    [600_000, '10 min'],
    [7_200_000, '2.0 h'],
  ])('shows an age of %p ms as %p', (ms, text) => {
    expect(age(ms)).toBe(text);
  });
});
