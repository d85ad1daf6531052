import {
  FCGI_HEADER_LEN,
  FCGI_MAX_CONTENT_LEN,
  FCGI_RESPONDER,
  FCGI_VERSION_1,
  FcgiRecordType,
} from './fastcgi.constants';

export interface FcgiRecord {
  type: number;
  requestId: number;
  content: Buffer;
}

/** One record: header, content (at most 65535 bytes), zero padding to a multiple of 8. */
export function encodeRecord(type: number, requestId: number, content: Buffer = Buffer.alloc(0)): Buffer {
  if (content.length > FCGI_MAX_CONTENT_LEN)
    throw new RangeError(`record content of ${content.length} bytes`);
  const padding = (8 - (content.length % 8)) % 8;
  const header = Buffer.alloc(FCGI_HEADER_LEN);
  header.writeUInt8(FCGI_VERSION_1, 0);
  header.writeUInt8(type, 1);
  header.writeUInt16BE(requestId, 2);
  header.writeUInt16BE(content.length, 4);
  header.writeUInt8(padding, 6);
  return Buffer.concat([header, content, Buffer.alloc(padding)]);
}

/** FCGI_BEGIN_REQUEST for a responder; flags 0, so the server closes the connection when done. */
export function encodeBeginRequest(requestId: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16BE(FCGI_RESPONDER, 0);
  return encodeRecord(FcgiRecordType.BEGIN_REQUEST, requestId, body);
}

/**
 * A whole stream (PARAMS, STDIN): as many records as the data needs, then the empty
 * record that ends the stream.
 */
export function encodeStream(type: number, requestId: number, data: Buffer): Buffer[] {
  const records: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += FCGI_MAX_CONTENT_LEN) {
    records.push(encodeRecord(type, requestId, data.subarray(offset, offset + FCGI_MAX_CONTENT_LEN)));
  }
  records.push(encodeRecord(type, requestId));
  return records;
}

/**
 * The PARAMS stream, whole pairs per record: PHP-FPM parses each record on its own and
 * resets the connection on a pair cut in two. Throws RangeError for a pair that cannot
 * fit in one record.
 */
export function encodeParamsRecords(requestId: number, pairs: Record<string, string>): Buffer[] {
  const records: Buffer[] = [];
  let pending: Buffer[] = [];
  let size = 0;
  for (const [name, value] of Object.entries(pairs)) {
    const pair = encodeNameValuePairs({ [name]: value });
    if (pair.length > FCGI_MAX_CONTENT_LEN) {
      throw new RangeError(
        `FastCGI parameter ${name} is ${pair.length} bytes; at most ${FCGI_MAX_CONTENT_LEN} fit in a record`,
      );
    }
    if (size + pair.length > FCGI_MAX_CONTENT_LEN) {
      records.push(encodeRecord(FcgiRecordType.PARAMS, requestId, Buffer.concat(pending)));
      pending = [];
      size = 0;
    }
    pending.push(pair);
    size += pair.length;
  }
  if (size > 0) records.push(encodeRecord(FcgiRecordType.PARAMS, requestId, Buffer.concat(pending)));
  records.push(encodeRecord(FcgiRecordType.PARAMS, requestId));
  return records;
}

/** Name-value pairs: each length in 1 byte when below 128, else 4 bytes with the high bit set. */
export function encodeNameValuePairs(pairs: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const length = (n: number) => {
    if (n < 0x80) return Buffer.from([n]);
    const b = Buffer.alloc(4);
    b.writeUInt32BE((n | 0x80000000) >>> 0);
    return b;
  };
  for (const [name, value] of Object.entries(pairs)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(length(n.length), length(v.length), n, v);
  }
  return Buffer.concat(parts);
}

/** Reads `appStatus` and `protocolStatus` from FCGI_END_REQUEST content. */
export function decodeEndRequest(content: Buffer): { appStatus: number; protocolStatus: number } {
  if (content.length < 5) throw new RangeError(`FCGI_END_REQUEST content of ${content.length} bytes`);
  return { appStatus: content.readUInt32BE(0), protocolStatus: content.readUInt8(4) };
}

/** Cuts a byte stream into records, however the bytes were split into chunks. */
export class RecordDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  /** The records completed by `chunk`; throws RangeError on a version other than 1. */
  push(chunk: Buffer): FcgiRecord[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const records: FcgiRecord[] = [];
    while (this.buffered.length >= FCGI_HEADER_LEN) {
      const version = this.buffered.readUInt8(0);
      if (version !== FCGI_VERSION_1)
        throw new RangeError(`FastCGI version ${version} (is this a FastCGI server?)`);
      const contentLength = this.buffered.readUInt16BE(4);
      const total = FCGI_HEADER_LEN + contentLength + this.buffered.readUInt8(6);
      if (this.buffered.length < total) break;
      records.push({
        type: this.buffered.readUInt8(1),
        requestId: this.buffered.readUInt16BE(2),
        // A copy: the rest of the chunk is kept, and consumers may hold on to the content.
        content: Buffer.from(this.buffered.subarray(FCGI_HEADER_LEN, FCGI_HEADER_LEN + contentLength)),
      });
      this.buffered = this.buffered.subarray(total);
    }
    return records;
  }

  /** Bytes received that do not yet make a whole record. */
  get pendingBytes(): number {
    return this.buffered.length;
  }
}
