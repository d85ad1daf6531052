import { formatJourney } from './journey.format';

describe('formatJourney', () => {
  it('says where the message is, then its steps in order', () => {
    expect(
      formatJourney({
        id: '0190d2a4-5b6c-7d8e-9f00-112233445566',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        outbox: { destination: 'order_events', attempts: 10, deadAt: '2026-12-02T15:00:05Z' },
        published: null,
        inbox: null,
        steps: [
          { at: '2026-12-02T15:00:00Z', what: 'written to the outbox for "order_events" (order_created)' },
          {
            at: '2026-12-02T15:00:05Z',
            what: 'dead in the outbox after 10 attempts: returned: unroutable\n  detail',
          },
        ],
      }),
    ).toBe(
      [
        'Message 0190d2a4-5b6c-7d8e-9f00-112233445566, trace 4bf92f3577b34da6a3ce929d0e0e4736',
        '  outbox:    dead after 10 attempts, for order_events',
        '  published: no outcome kept by this process',
        "  inbox:     not in this service's inbox",
        '',
        'Steps:',
        '  2026-12-02 15:00:00Z  written to the outbox for "order_events" (order_created)',
        '  2026-12-02 15:00:05Z  dead in the outbox after 10 attempts: returned: unroutable\\n  detail',
        '',
      ].join('\n'),
    );
  });

  it('prints "-" for fields a console of another version leaves out', () => {
    const text = formatJourney({
      id: 'm',
      traceId: null,
      outbox: null,
      published: null,
      inbox: { handlers: [{ handlerKey: 'k' }] } as never,
      steps: [],
    });
    expect(text).toContain('  inbox:     received as -: k - (-/-)\n');
  });
});
