import { InvalidMessageError } from '../errors/invalid-message.error';
import { checkSchedule, MAX_SCHEDULE_DELAY_MS } from './message-schedule';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function refused(deliverAt: unknown, delayMs: unknown): InvalidMessageError {
  try {
    checkSchedule(deliverAt, delayMs, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return error as InvalidMessageError;
  }
  throw new Error('expected InvalidMessageError');
}

describe('checkSchedule', () => {
  it('reads absent and null as "once committed"', () => {
    expect(checkSchedule(undefined, undefined, NOW)).toEqual({ deliverAt: null, delayMs: null });
    expect(checkSchedule(null, null, NOW)).toEqual({ deliverAt: null, delayMs: null });
  });

  it('accepts a valid Date, past ones included (they mean now), up to the bound ahead', () => {
    const past = new Date(NOW - 60_000);
    const farthest = new Date(NOW + MAX_SCHEDULE_DELAY_MS);
    expect(checkSchedule(past, undefined, NOW)).toEqual({ deliverAt: past, delayMs: null });
    expect(checkSchedule(farthest, null, NOW)).toEqual({ deliverAt: farthest, delayMs: null });
  });

  it.each([0, 1, 15 * 60_000, MAX_SCHEDULE_DELAY_MS])('accepts delayMs %p', (delayMs) => {
    expect(checkSchedule(undefined, delayMs, NOW)).toEqual({ deliverAt: null, delayMs });
  });

  it('refuses both at once, naming deliverAt and saying to set one', () => {
    const error = refused(new Date(NOW), 1_000);
    expect(error.field).toBe('deliverAt');
    expect(error.message).toMatch(/deliverAt and delayMs were both set; set one of them/);
  });

  it.each<[string, unknown, string]>([
    ['an invalid Date', new Date('nope'), 'an invalid Date'],
    ['a string', '2026-01-02T00:00:00Z', '"2026-01-02T00:00:00Z"'],
    ['a number', NOW + 1_000, String(NOW + 1_000)],
  ])('refuses deliverAt as %s', (_label, deliverAt, shown) => {
    const error = refused(deliverAt, undefined);
    expect(error.field).toBe('deliverAt');
    expect(error.message).toBe(`Message deliverAt must be a valid Date; got ${shown}.`);
  });

  it('refuses a deliverAt more than 366 days ahead', () => {
    const error = refused(new Date(NOW + MAX_SCHEDULE_DELAY_MS + 1), undefined);
    expect(error.field).toBe('deliverAt');
    expect(error.message).toMatch(
      /at most 366 days ahead \(MAX_SCHEDULE_DELAY_MS\); got 2027-01-02T00:00:00.001Z/,
    );
  });

  it.each<[string, unknown, string]>([
    ['negative', -1, '-1'],
    ['a fraction', 1.5, '1.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['over the bound', MAX_SCHEDULE_DELAY_MS + 1, String(MAX_SCHEDULE_DELAY_MS + 1)],
    ['a string', '1000', '"1000"'],
  ])('refuses delayMs %s', (_label, delayMs, shown) => {
    const error = refused(undefined, delayMs);
    expect(error.field).toBe('delayMs');
    expect(error.message).toBe(
      `Message delayMs must be a whole number of milliseconds from 0 to ${MAX_SCHEDULE_DELAY_MS} (366 days); got ${shown}.`,
    );
  });
});
