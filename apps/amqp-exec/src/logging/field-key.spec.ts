import { toFieldKey } from './field-key';

describe('toFieldKey', () => {
  it.each([
    ['messageId', 'message_id'],
    ['exitCode', 'exit_code'],
    ['durationMs', 'duration_ms'],
    ['HTTPStatus', 'http_status'],
    ['userID', 'user_id'],
    ['message_id', 'message_id'],
    ['x-request-id', 'x_request_id'],
    ['amqp.routingKey', 'amqp.routing_key'],
    ['a b=c"d', 'a_b_c_d'],
    ['line\nbreak', 'line_break'],
    ['', '_'],
  ])('%j → %j', (key, written) => {
    expect(toFieldKey(key)).toBe(written);
  });
});
