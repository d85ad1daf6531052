import { DeadLetterSelectionError } from '../errors/dead-letter-selection.error';
import { DeadLetterWindowError } from '../errors/dead-letter-window.error';
import type { DeadLetterSelection } from '../interfaces/consumer-queue-admin.interface';
import {
  MAX_DEAD_LETTER_WINDOW,
  checkDeadLetterSelection,
  checkDeadLetterWindow,
} from './dead-letter-request.checks';

describe('checkDeadLetterWindow', () => {
  it('takes a window that ends at the maximum', () => {
    expect(checkDeadLetterWindow('jobs.dead', { offset: 900, limit: 100 })).toEqual({
      offset: 900,
      limit: 100,
    });
    expect(MAX_DEAD_LETTER_WINDOW).toBe(1_000);
  });

  it('refuses one past it, saying why and how to see further', () => {
    expect(() => checkDeadLetterWindow('jobs.dead', { offset: 990, limit: 20 })).toThrow(
      new DeadLetterWindowError(
        990,
        20,
        1_000,
        'Cannot show dead letters 990 to 1009 of "jobs.dead": a broker queue can only be read from its head, ' +
          'so at most its first 1000 are read (offset + limit <= 1000). ' +
          'To see later ones, requeue or purge those ahead of them.',
      ),
    );
  });

  it.each([
    [{ offset: -1, limit: 5 }],
    [{ offset: 0.5, limit: 5 }],
    [{ offset: 0, limit: Number.NaN }],
    [{ offset: '0', limit: 5 }],
    [undefined],
  ])('refuses a malformed window %p', (window) => {
    expect(() => checkDeadLetterWindow('q.dead', window as never)).toThrow(
      /needs offset, an integer >= 0, and limit, an integer from 0 to 1000/,
    );
  });
});

describe('checkDeadLetterSelection', () => {
  it('takes ids or all', () => {
    expect(checkDeadLetterSelection({ messageIds: ['a', 'b', 'a'] })).toEqual({
      messageIds: new Set(['a', 'b']),
    });
    expect(checkDeadLetterSelection({ all: true })).toEqual({ all: true });
  });

  it.each([[{}], [{ all: false }], [{ messageIds: [1] }], [{ all: true, messageIds: ['a'] }], [null]])(
    'refuses %p',
    (which) => {
      expect(() => checkDeadLetterSelection(which as DeadLetterSelection)).toThrow(DeadLetterSelectionError);
      expect(() => checkDeadLetterSelection(which as DeadLetterSelection)).toThrow(
        `Say which dead letters: { messageIds: [...] } (strings) or { all: true }, not both; got ${JSON.stringify(which)}.`,
      );
    },
  );
});
