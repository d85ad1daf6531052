import { handlerKeyFor } from './handler-key';

describe('handlerKeyFor', () => {
  it('takes extras.handlerKey when given, whatever the position', () => {
    expect(handlerKeyFor('order_events', { handlerKey: 'reserve' }, 0)).toBe('reserve');
    expect(handlerKeyFor('order_events', { handlerKey: 'notify' }, 3)).toBe('notify');
  });

  it('names the first handler of a pattern after the pattern, the next ones with a position suffix', () => {
    expect(handlerKeyFor('order_events', undefined, 0)).toBe('order_events');
    expect(handlerKeyFor('order_events', {}, 1)).toBe('order_events.2');
    expect(handlerKeyFor('order_events', { maxAttempts: 3 }, 2)).toBe('order_events.3');
  });
});
