import { createServer, type Server, type Socket } from 'node:net';
import { FcgiRecordType } from './fastcgi.constants';
import { FastCgiClient } from './fastcgi.client';
import { encodeRecord, RecordDecoder, type FcgiRecord } from './fastcgi.records';
import { FastCgiRequestError } from './errors/fastcgi-request.error';

/** A fake FastCGI server: collects the request's records, then lets the test answer. */
function fakeServer(answer: (socket: Socket, request: FcgiRecord[]) => void): Promise<Server> {
  const server = createServer((socket) => {
    const decoder = new RecordDecoder();
    const records: FcgiRecord[] = [];
    socket.on('data', (chunk) => {
      records.push(...decoder.push(chunk));
      const last = records[records.length - 1];
      if (last?.type === FcgiRecordType.STDIN && last.content.length === 0) answer(socket, records);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const end = (protocolStatus: number, appStatus = 0) => {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(appStatus, 0);
  body.writeUInt8(protocolStatus, 4);
  return encodeRecord(FcgiRecordType.END_REQUEST, 1, body);
};

describe('FastCgiClient', () => {
  let server: Server;
  const request = async (body = Buffer.alloc(0)) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const { port } = server.address() as { port: number };
    const result = await new FastCgiClient({ host: '127.0.0.1', port }).request({
      params: { A: '1' },
      body,
      timeoutMs: 10_000,
      onStdout: (chunk) => stdout.push(chunk),
      onStderr: (chunk) => stderr.push(chunk),
    });
    return { ...result, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: unknown) => (error instanceof FastCgiRequestError ? error.failure : error),
    );
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('sends begin, params and stdin records, and streams back stdout and stderr byte by byte', async () => {
    let received: FcgiRecord[] = [];
    server = await fakeServer((socket, records) => {
      received = records;
      const reply = Buffer.concat([
        encodeRecord(FcgiRecordType.STDOUT, 1, Buffer.from('Status: 200\r\n\r\nok')),
        encodeRecord(FcgiRecordType.STDERR, 1, Buffer.from('warn')),
        end(0, 3),
      ]);
      [...reply].forEach((byte) => socket.write(Buffer.from([byte])));
    });
    const body = Buffer.alloc(70_000, 0xfe);
    await expect(request(body)).resolves.toEqual({
      appStatus: 3,
      stdout: Buffer.from('Status: 200\r\n\r\nok'),
      stderr: Buffer.from('warn'),
    });
    expect(received.map((r) => r.type)).toEqual([1, 4, 4, 5, 5, 5]);
    expect(received.every((r) => r.requestId === 1)).toBe(true);
    expect(Buffer.concat(received.filter((r) => r.type === 5).map((r) => r.content)).equals(body)).toBe(true);
  });

  it('fails with "overloaded" when the server ends the request without running it', async () => {
    server = await fakeServer((socket) => socket.write(end(2)));
    await expect(failure(request())).resolves.toBe('overloaded');
  });

  it('fails with "protocol" when the peer does not speak FastCGI', async () => {
    server = await fakeServer((socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await expect(failure(request())).resolves.toBe('protocol');
  });

  it('fails with "closed" when the connection ends before FCGI_END_REQUEST', async () => {
    server = await fakeServer((socket) =>
      socket.end(encodeRecord(FcgiRecordType.STDOUT, 1, Buffer.from('par'))),
    );
    await expect(failure(request())).resolves.toBe('closed');
  });
});
