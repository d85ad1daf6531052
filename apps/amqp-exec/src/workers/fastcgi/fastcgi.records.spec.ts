import { FcgiRecordType } from './fastcgi.constants';
import {
  decodeEndRequest,
  encodeBeginRequest,
  encodeNameValuePairs,
  encodeParamsRecords,
  encodeRecord,
  encodeStream,
  RecordDecoder,
} from './fastcgi.records';

describe('FastCGI records', () => {
  it('encodes a header, the content and zero padding to a multiple of 8', () => {
    const record = encodeRecord(FcgiRecordType.STDIN, 1, Buffer.from('abc'));
    expect([...record]).toEqual([1, 5, 0, 1, 0, 3, 5, 0, 0x61, 0x62, 0x63, 0, 0, 0, 0, 0]);
    expect([...encodeRecord(FcgiRecordType.PARAMS, 0x0102)]).toEqual([1, 4, 1, 2, 0, 0, 0, 0]);
  });

  it('refuses content longer than 65535 bytes', () => {
    expect(() => encodeRecord(FcgiRecordType.STDIN, 1, Buffer.alloc(65536))).toThrow(RangeError);
  });

  it('encodes FCGI_BEGIN_REQUEST for the responder role without keep-conn', () => {
    expect([...encodeBeginRequest(1)]).toEqual([1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('encodes name-value pairs with 1-byte lengths below 128 and 4-byte lengths above', () => {
    expect([...encodeNameValuePairs({ AB: 'xyz' })]).toEqual([2, 3, 0x41, 0x42, 0x78, 0x79, 0x7a]);
    const long = 'v'.repeat(300);
    const encoded = encodeNameValuePairs({ ['n'.repeat(127)]: long });
    expect(encoded.readUInt8(0)).toBe(127);
    expect(encoded.readUInt32BE(1)).toBe(0x80000000 + 300);
    expect(encoded.length).toBe(1 + 4 + 127 + 300);
    expect(encodeNameValuePairs({ ['n'.repeat(128)]: '' }).readUInt32BE(0)).toBe(0x80000000 + 128);
  });

  it('counts UTF-8 bytes, not characters, in name-value lengths', () => {
    expect([...encodeNameValuePairs({ K: 'é' })]).toEqual([1, 2, 0x4b, 0xc3, 0xa9]);
  });

  it('splits a stream into records of at most 65535 bytes and ends it with an empty record', () => {
    const data = Buffer.alloc(65535 * 2 + 10, 7);
    const records = new RecordDecoder().push(Buffer.concat(encodeStream(FcgiRecordType.STDIN, 1, data)));
    expect(records.map((r) => r.content.length)).toEqual([65535, 65535, 10, 0]);
    expect(Buffer.concat(records.map((r) => r.content)).equals(data)).toBe(true);
    expect(
      new RecordDecoder().push(Buffer.concat(encodeStream(FcgiRecordType.STDIN, 1, Buffer.alloc(0)))),
    ).toEqual([{ type: FcgiRecordType.STDIN, requestId: 1, content: Buffer.alloc(0) }]);
  });

  it('decodes records however the bytes are split, one byte at a time included', () => {
    const bytes = Buffer.concat([
      encodeRecord(FcgiRecordType.STDOUT, 1, Buffer.from('Status: 200\r\n\r\n')),
      encodeRecord(FcgiRecordType.STDERR, 1, Buffer.from([0, 255])),
      encodeRecord(FcgiRecordType.END_REQUEST, 1, Buffer.from([0, 0, 0, 7, 0, 0, 0, 0])),
    ]);
    const decoder = new RecordDecoder();
    const records = [...bytes].flatMap((byte) => decoder.push(Buffer.from([byte])));
    expect(records.map((r) => [r.type, r.requestId, r.content.toString('hex')])).toEqual([
      [FcgiRecordType.STDOUT, 1, Buffer.from('Status: 200\r\n\r\n').toString('hex')],
      [FcgiRecordType.STDERR, 1, '00ff'],
      [FcgiRecordType.END_REQUEST, 1, '0000000700000000'],
    ]);
    expect(decoder.pendingBytes).toBe(0);
    expect(decodeEndRequest(records[2].content)).toEqual({ appStatus: 7, protocolStatus: 0 });
  });

  it('rejects bytes that are not FastCGI version 1', () => {
    expect(() => new RecordDecoder().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/version/);
  });

  it('packs whole name-value pairs into PARAMS records, never one cut across two', () => {
    const big = 'x'.repeat(40_000);
    const records = encodeParamsRecords(1, { A: big, B: big, C: 'small' });
    const decoder = new RecordDecoder();
    const contents = records.flatMap((r) => decoder.push(r)).map((r) => r.content);
    expect(contents.map((c) => c.length)).toEqual([40_006, 40_014, 0]); // A | B + C | end of stream
    expect(() => encodeParamsRecords(1, { HUGE: 'y'.repeat(70_000) })).toThrow(
      'FastCGI parameter HUGE is 70009 bytes; at most 65535 fit in a record',
    );
  });
});
