import { HandlerSlots } from './handler-slots';

describe('HandlerSlots', () => {
  it('takes free slots without waiting, never more than the limit', () => {
    const slots = new HandlerSlots(3);
    expect(slots.takeFree(2)).toBe(2);
    expect(slots.takeFree(5)).toBe(1);
    expect(slots.takeFree(1)).toBe(0);
    expect(slots.free).toBe(0);
  });

  it('hands a released slot to the oldest waiter, and frees it when none waits', async () => {
    const slots = new HandlerSlots(1);
    await slots.take();
    const order: string[] = [];
    const first = slots.take().then(() => order.push('first'));
    const second = slots.take().then(() => order.push('second'));
    expect(slots.waiters).toBe(2);

    slots.release();
    await first;
    expect(order).toEqual(['first']);
    expect(slots.free).toBe(0); // passed on, not freed

    slots.release();
    await second;
    slots.release();
    expect(order).toEqual(['first', 'second']);
    expect(slots.free).toBe(1);
    expect(slots.waiters).toBe(0);
  });

  it('gives back unused slots taken in advance', () => {
    const slots = new HandlerSlots(10);
    expect(slots.takeFree(10)).toBe(10);
    slots.release(7);
    expect(slots.free).toBe(7);
  });
});
