import { InboxRegistry, type RegisteredHandler } from './inbox.registry';

const handler = (eventType: string, handlerKey: string): RegisteredHandler => ({
  eventType,
  handlerKey,
  options: {},
  handle: () => undefined,
  source: `Handlers.${handlerKey}`,
});

describe('InboxRegistry.handlersOf', () => {
  it('lists an event type’s handlers in registration order, and none for an unknown type', () => {
    const registry = new InboxRegistry();
    registry.register(handler('order_events', 'notify'));
    registry.register(handler('order_events', 'reserve'));
    registry.register(handler('payment_events', 'book'));

    expect(registry.handlersOf('order_events').map((h) => h.handlerKey)).toEqual(['notify', 'reserve']);
    expect(registry.handlersOf('refund_events')).toEqual([]);
  });

  it('returns the same list until a handler is registered, then a new one that includes it', () => {
    const registry = new InboxRegistry();
    registry.register(handler('order_events', 'notify'));
    const first = registry.handlersOf('order_events');
    expect(registry.handlersOf('order_events')).toBe(first);

    registry.register(handler('order_events', 'reserve'));
    const second = registry.handlersOf('order_events');
    expect(second).not.toBe(first);
    expect(second.map((h) => h.handlerKey)).toEqual(['notify', 'reserve']);
  });

  it('keeps the list when a registration is refused as a duplicate key', () => {
    const registry = new InboxRegistry();
    registry.register(handler('order_events', 'notify'));
    const before = registry.handlersOf('order_events');
    expect(registry.register(handler('order_events', 'notify'))).toBeDefined();
    expect(registry.handlersOf('order_events')).toBe(before);
  });
});

describe('InboxRegistry.onHandlerAdded', () => {
  it('tells listeners of each handler added later, and whether its event type is new', () => {
    const registry = new InboxRegistry();
    registry.register(handler('order_events', 'notify'));
    const heard: Array<[string, boolean]> = [];
    registry.onHandlerAdded(({ handler: h, newEventType }) => heard.push([h.handlerKey, newEventType]));

    registry.register(handler('order_events', 'reserve'));
    registry.register(handler('order_events', 'reserve')); // a refused duplicate adds nothing
    registry.register(handler('payment_events', 'book'));

    expect(heard).toEqual([
      ['reserve', false],
      ['book', true],
    ]);
  });
});
