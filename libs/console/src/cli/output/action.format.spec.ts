import { formatAction } from './action.format';

describe('formatAction', () => {
  it("says what was done, in each component's words", () => {
    expect(formatAction('replay', 'outbox', { requeued: 2, ids: ['a', 'b'] }, ['a', 'b'])).toBe(
      'Requeued 2 dead outbox messages.\n',
    );
    expect(formatAction('replay', 'inbox', { replayed: 1, runs: [] }, [])).toBe(
      'Replayed 1 dead inbox handler run.\n',
    );
    expect(formatAction('replay', 'consumer', { requeued: 3 }, [])).toBe(
      'Requeued 3 dead letters to their queue.\n',
    );
    expect(formatAction('purge', 'inbox', { purged: 0 }, [])).toBe('Purged 0 dead inbox handler runs.\n');
  });

  it('names the entries it was given that were not dead', () => {
    expect(
      formatAction('replay', 'inbox', { replayed: 1, runs: [{ messageId: 'm1', handlerKey: 'k' }] }, [
        'm1/k',
        'm2/k',
      ]),
    ).toBe(
      'Replayed 1 dead inbox handler run.\nNot dead (already replayed or purged, or never dead): m2/k\n',
    );
  });
});
