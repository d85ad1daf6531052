import { statementPrefix } from './statement-prefix';

describe('statementPrefix', () => {
  it('keeps a short schema readable', () => {
    expect(statementPrefix('inbox', 'courier')).toBe('courier_courier_inbox');
  });

  it('leaves room for every statement name within PostgreSQL’s 63 bytes, even for a 63-character schema', () => {
    const longest = 'delete_confirmed';
    for (const schema of ['a'.repeat(63), 'inbox_claim_on_receive_11240_gq7noa']) {
      for (const component of ['inbox', 'outbox']) {
        expect(`${statementPrefix(component, schema)}_${longest}`.length).toBeLessThanOrEqual(63);
      }
    }
  });

  it('tells apart long schemas that share their beginning', () => {
    const common = 'tenant_with_a_rather_long_common_beginning_';
    expect(statementPrefix('outbox', `${common}one`)).not.toBe(statementPrefix('outbox', `${common}two`));
  });
});
