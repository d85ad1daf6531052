import { InvalidOptionError } from '@courier-nest/core';
import { createRabbitMQConnection } from './create-rabbitmq-connection';
import { RabbitMQConnection } from './rabbitmq.connection';

const PASSWORD = 'Sup3rS3cret';

describe('createRabbitMQConnection', () => {
  it.each([
    ['a port out of range', `amqp://guest:${PASSWORD}@localhost:99999`],
    ['a missing colon after the scheme', `amqp//guest:${PASSWORD}@localhost:5672`],
    ['a space in the host', `amqp://guest:${PASSWORD}@rabbit mq:5672`],
    ['an http URL', `http://guest:${PASSWORD}@localhost:15672`],
  ])('refuses a uri with %s, by InvalidOptionError, without echoing the password', (_label, uri) => {
    let thrown: unknown;
    try {
      createRabbitMQConnection({ uri });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    const error = thrown as InvalidOptionError;
    expect(error.option).toBe('uri');
    expect(error.message).toBe(
      'Option "uri" must be an amqp:// or amqps:// URL, e.g. amqp://guest:guest@localhost:5672.',
    );
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(PASSWORD);
  });

  it('refuses any other bad option the module would refuse', () => {
    expect(() => createRabbitMQConnection({ uri: 'amqp://localhost', confirmTimeoutMs: 1 })).toThrow(
      InvalidOptionError,
    );
  });

  it('returns a RabbitMQConnection, not connected before connect()', () => {
    const connection = createRabbitMQConnection({ uri: `amqp://guest:${PASSWORD}@localhost:5672` });
    expect(connection).toBeInstanceOf(RabbitMQConnection);
    expect(connection.isConnected()).toBe(false);
  });
});
