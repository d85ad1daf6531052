import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CourierGolevelupModule } from '../courier-golevelup.module';
import { GolevelupConfigurationError } from '../errors/golevelup-configuration.error';
import { checkedManagedConnection } from './golevelup-connection';

const managed = {
  connection: undefined,
  isConnected: () => false,
  on: () => undefined,
  removeListener: () => undefined,
};

describe('checkedManagedConnection (what the bootstrap refuses)', () => {
  it('accepts an AmqpConnection with an amqp-connection-manager connection', () => {
    expect(checkedManagedConnection({ managedConnection: managed })).toBe(managed);
  });

  it('refuses an undefined connection (golevelup given no config)', () => {
    expect(() => checkedManagedConnection(undefined)).toThrow(
      new GolevelupConfigurationError(
        'The golevelup connection is undefined: RabbitMQModule.forRoot was given no config (golevelup then skips ' +
          'connecting). Give it a uri.',
      ),
    );
  });

  it('refuses a connection without a managed connection', () => {
    expect(() => checkedManagedConnection({})).toThrow(/has no managed connection/);
  });

  it('refuses a managed connection without the current amqplib connection (not golevelup 9)', () => {
    expect(() =>
      checkedManagedConnection({ managedConnection: { isConnected: () => true, on: () => 0 } }),
    ).toThrow(/Courier supports @golevelup\/nestjs-rabbitmq 9/);
  });
});

describe('CourierGolevelupModule bootstrap', () => {
  it('fails with a clear error when the app has no golevelup connection under the token', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CourierGolevelupModule.forRoot({ inbox: false, connection: 'NO_SUCH_CONNECTION' })],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(
      'CourierGolevelupModule found no golevelup connection (NO_SUCH_CONNECTION). Import RabbitMQModule.forRoot',
    );
  });

  it("finds the app's connection under the given token, from another module", async () => {
    @Module({ providers: [{ provide: 'AMQP', useValue: { managedConnection: managed } }], exports: ['AMQP'] })
    class AppAmqpModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [AppAmqpModule, CourierGolevelupModule.forRoot({ inbox: false, connection: 'AMQP' })],
    }).compile();
    await moduleRef.init();
    const { GolevelupOutboxPublisher } = await import('../publisher/golevelup-outbox.publisher');
    const publisher = moduleRef.get(GolevelupOutboxPublisher);
    expect(publisher.isReady()).toBe(false);
    const [result] = await publisher.publishBatch([
      {
        id: 'm-1',
        destination: 'x',
        type: 't',
        key: null,
        body: '{}',
        correlationId: 'c',
        causationId: null,
        traceparent: null,
        tracestate: null,
        headers: {},
        occurredAt: new Date(),
        source: 's',
      },
    ]);
    expect(result).toEqual({ status: 'unsent', error: 'broker not connected' });
    await moduleRef.close();
  });

  it('says to install golevelup when the package is missing (as in this repository)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CourierGolevelupModule.forRoot({ inbox: false })],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(
      'CourierGolevelupModule needs @golevelup/nestjs-rabbitmq 9 installed in the app (npm install @golevelup/nestjs-rabbitmq@^9).',
    );
  });
});
