import { redactUrl, redactUrlsInText, scrubUrlSecrets } from './url.redaction';

// The credential hidden in each form below: none of them may survive redaction.
const S = 'S3cr3t-T0k3n';

describe('redactUrl', () => {
  it.each([
    // user-only: the user name IS the secret
    [`amqp://${S}@rabbit:5672/vh`, 'amqp://***@rabbit:5672/vh'],
    [`amqps://${S}@rabbit`, 'amqps://***@rabbit'],
    [`postgres://${S}@db:5432/app`, 'postgres://***@db:5432/app'],
    // user:password, the user name too
    [`amqp://guest:${S}@rabbit:5672`, 'amqp://***@rabbit:5672'],
    [`postgresql://${S}:pw@db/app`, 'postgresql://***@db/app'],
    [`https://ops:${S}@example.com/x`, 'https://***@example.com/x'],
    [`amqp://:${S}@rabbit`, 'amqp://***@rabbit'],
    [`AMQPS://admin:${S}@RABBIT/vhost`, 'AMQPS://***@RABBIT/vhost'],
    // percent-encoded, and hand-typed characters a parser would cut at
    [`amqp://user:${S}%40x%2F@rabbit`, 'amqp://***@rabbit'],
    [`amqp://%53${S}@rabbit`, 'amqp://***@rabbit'],
    [`amqp://u:p@${S}@rabbit/vh`, 'amqp://***@rabbit/vh'],
    [`amqp://u:pa/${S}@rabbit`, 'amqp://***@rabbit'],
    [`amqp://u:12/${S}@rabbit`, 'amqp://***@rabbit'],
    [`amqp://u:pa?${S}@rabbit`, 'amqp://***@rabbit'],
    [`amqp://u:pa#${S}@rabbit`, 'amqp://***@rabbit'],
    [`amqp://u:p ${S}@rabbit`, 'amqp://***@rabbit'],
    // hosts
    [`amqp://${S}@[::1]:5672`, 'amqp://***@[::1]:5672'],
    [`postgres://u:${S}@h1:5432,h2:5433/app`, 'postgres://***@h1:5432,h2:5433/app'],
    [`amqp://u:${S}@h1,amqp://v:${S}@h2`, 'amqp://***@h1,amqp://***@h2'],
    [`amqp://${S}@h1, amqps://h2:5671`, 'amqp://***@h1, amqps://h2:5671'],
    // no host: the "port" is the password
    [`amqp://user:${S}`, 'amqp://***'],
    [`amqp://user:${S}/vhost`, 'amqp://***/vhost'],
    // query-string credentials
    [`amqp://rabbit?password=${S}&heartbeat=10`, 'amqp://rabbit?password=***&heartbeat=10'],
    [`amqps://rabbit?auth=${S}`, 'amqps://rabbit?auth=***'],
    [`amqp://rabbit/vh?auth_token=${S}#x`, 'amqp://rabbit/vh?auth_token=***#x'],
    [`postgres://db/app?user=${S}&sslmode=require`, 'postgres://db/app?user=***&sslmode=require'],
    [`postgres://db/app?sslpassword=${S}`, 'postgres://db/app?sslpassword=***'],
    [`amqp://rabbit?api_key=${S};other=1`, 'amqp://rabbit?api_key=***;other=1'],
    [`amqp://rabbit?pass%77ord=${S}`, 'amqp://rabbit?pass%77ord=***'],
    [`amqp://u:${S}@rabbit?secret=${S}`, 'amqp://***@rabbit?secret=***'],
    // values that do not parse (or are not URLs at all): everything before the last @
    [`amqp//admin:${S}@rabbit`, 'amqp//***@rabbit'],
    [`amqp:/admin:${S}@rabbit`, 'amqp:/***@rabbit'],
    [`admin:${S}@rabbit`, '***@rabbit'],
    [`amqp://admin:${S}@ra bbit:x`, 'amqp://***@ra bbit:x'],
    [`ftp://admin:${S}@x@rabbit`, 'ftp://***@rabbit'],
  ])('%j → %j', (raw, shown) => {
    expect(redactUrl(raw)).toBe(shown);
    expect(redactUrl(raw)).not.toContain(S);
  });

  it.each([
    'amqp://rabbit:5672/vhost',
    'amqp://[::1]:5672',
    'amqps://rabbit?heartbeat=10&frameMax=0',
    'postgres://h1:5432,h2:5432/app?sslmode=require',
    'http://host:8080/users?to=a@b.example',
    'amqp://rabbit?user=',
    '',
  ])('leaves %j as it is', (raw) => {
    expect(redactUrl(raw)).toBe(raw);
  });
});

describe('redactUrlsInText', () => {
  it.each([
    [
      `RabbitMQ not reachable at amqp://${S}@127.0.0.1:1 within 5000 ms`,
      'RabbitMQ not reachable at amqp://***@127.0.0.1:1 within 5000 ms',
    ],
    [
      `connect amqp://u:${S}@h1 failed, then amqps://${S}@h2 too`,
      'connect amqp://***@h1 failed, then amqps://***@h2 too',
    ],
    [`url=amqp://u:${S}@host`, 'url=amqp://***@host'],
    [`"postgres://${S}@db/app"`, '"postgres://***@db/app"'],
    // a value runs to the end of its word: better a `)` too many than a secret's tail
    [`(amqp://rabbit?token=${S})`, '(amqp://rabbit?token=***'],
  ])('%j → %j', (text, shown) => {
    expect(redactUrlsInText(text)).toBe(shown);
  });

  it.each(['no URL here', 'mailto:someone@example.com', 'http://host:8080/users?to=a@b.example'])(
    'leaves %j alone',
    (text) => expect(redactUrlsInText(text)).toBe(text),
  );
});

describe('scrubUrlSecrets', () => {
  it('removes the credentials of the URL wherever a message shows them, decoded too', () => {
    const uri = `amqp://${S}%21:pass%40word@rabbit?auth=${S}x`;
    expect(scrubUrlSecrets(`login refused for "${S}!" with pass@word (${S}x)`, uri)).toBe(
      'login refused for "***" with *** (***)',
    );
  });

  it('redacts any URL in the message, and leaves short fragments alone', () => {
    expect(scrubUrlSecrets(`at amqp://${S}@h: a timeout`, 'amqp://ab:c@h')).toBe(
      'at amqp://***@h: a timeout',
    );
  });
});
