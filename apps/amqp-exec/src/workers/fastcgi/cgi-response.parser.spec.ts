import { CgiResponseParser } from './cgi-response.parser';

function parse(...chunks: string[]): { status: number; body: string; malformed?: string } {
  const parser = new CgiResponseParser();
  const body = chunks
    .map((chunk) => parser.push(Buffer.from(chunk, 'latin1'))?.toString('latin1') ?? '')
    .join('');
  return { status: parser.status(), body, malformed: parser.malformedReason() };
}

describe('CgiResponseParser', () => {
  it('defaults to 200 when there is no Status header', () => {
    expect(parse('Content-type: text/html\r\n\r\nhello')).toEqual({ status: 200, body: 'hello' });
  });

  it('reads the Status header, in any case, and keeps the body intact', () => {
    expect(parse('X-A: 1\r\nStatus: 503 Service Unavailable\r\n\r\nbusy\r\n\r\nmore')).toEqual({
      status: 503,
      body: 'busy\r\n\r\nmore',
    });
    expect(parse('status:404\n\nnot here')).toEqual({ status: 404, body: 'not here' });
  });

  it('finds the end of the headers across chunks', () => {
    expect(parse('Status: 429 Too', ' Many\r\n', '\r', '\nbo', 'dy')).toEqual({ status: 429, body: 'body' });
  });

  it('counts a response without a header section, or a bad status, as malformed (502)', () => {
    expect(parse('no headers at all')).toMatchObject({
      status: 502,
      malformed: expect.stringMatching(/ended/),
    });
    expect(parse('Status: abc\r\n\r\n')).toMatchObject({
      status: 502,
      malformed: expect.stringMatching(/status/),
    });
    expect(parse('x'.repeat(20_000))).toMatchObject({
      status: 502,
      malformed: expect.stringMatching(/no end/),
    });
  });
});
