import { scrubCredentials } from './credential.scrubber';

describe('scrubCredentials', () => {
  it.each([
    ['amqp://guest:guest@localhost:5672/', 'amqp://guest:****@localhost:5672/'],
    ['AMQPS://admin:s3cr3t@rabbit/vhost', 'AMQPS://admin:****@rabbit/vhost'],
    [
      'connect amqp://u:p@h1 failed, then amqps://v:q@h2 too',
      'connect amqp://u:****@h1 failed, then amqps://v:****@h2 too',
    ],
    ['amqp://u:p@ss@host/v', 'amqp://u:****@host/v'],
    ['amqp://u:pa/ss@host', 'amqp://u:****@host'],
    ['amqp://:only-password@host', 'amqp://:****@host'],
    ['url=amqp://u:p%40ss@host', 'url=amqp://u:****@host'],
    ['"amqp://u:p@h"', '"amqp://u:****@h"'],
    ['https://u:p@example.com/x', 'https://u:****@example.com/x'],
    ['postgres://app:pw@db:5432/app', 'postgres://app:****@db:5432/app'],
  ])('%j → %j', (text, scrubbed) => {
    expect(scrubCredentials(text)).toBe(scrubbed);
  });

  it.each([
    'amqp://localhost:5672/vhost',
    'amqp://user@host',
    'mailto:someone@example.com',
    'http://host:8080/users?to=a@b.example',
    'already amqp://u:****@h',
  ])('leaves %j alone', (text) => {
    expect(scrubCredentials(text)).toBe(text);
  });
});
