import { InvalidOptionError } from '@courier-nest/core';
import { resolvePostgresOptions } from './postgres-options.resolver';

describe('resolvePostgresOptions', () => {
  it('fills the defaults', () => {
    expect(resolvePostgresOptions({ url: 'postgres://app@db:5432/app' })).toMatchObject({
      schema: 'courier_bus',
      migrationsRun: true,
      poolSize: 10,
      leaseMs: 5_000,
      pollIntervalMs: 1_000,
      inbox: { enabled: true, batchSize: 500 },
    });
  });

  it('refuses a URL that is not postgres://, without echoing it (it may hold a password)', () => {
    const secret = 'amqp://user:s3cret@host:5672';
    const attempt = () => resolvePostgresOptions({ url: secret });
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow('Option "url" must be a postgres:// or postgresql:// URL');
    expect(() => attempt()).not.toThrow(/s3cret/);
  });

  it('refuses a schema that is not a plain SQL identifier, and numbers out of range, naming the option', () => {
    const url = 'postgres://app@db/app';
    expect(() => resolvePostgresOptions({ url, schema: 'bus"; DROP TABLE x; --' })).toThrow(/schema/);
    expect(() => resolvePostgresOptions({ url, leaseMs: 10 })).toThrow(
      'Option "leaseMs" must be an integer from 100 to 3600000; got 10.',
    );
    expect(() => resolvePostgresOptions({ url, inbox: { batchSize: 0 } })).toThrow(/inbox\.batchSize/);
  });
});
