/** Longest header section accepted; nginx's default FastCGI buffer is of this order. */
const MAX_HEADER_BYTES = 16 * 1024;
/** What a response with no valid header section counts as (a gateway would answer 502 too). */
export const MALFORMED_RESPONSE_STATUS = 502;

/**
 * Reads a CGI response (RFC 3875 section 6) from FCGI_STDOUT as it arrives: the header
 * section, then the body. The status comes from a `Status:` header, else 200.
 * Only the header section is buffered (bounded); body bytes are handed back as they come.
 */
export class CgiResponseParser {
  private head: Buffer | undefined = Buffer.alloc(0);
  private parsedStatus: number | undefined;
  private problem: string | undefined;

  /** Returns the body bytes in `chunk`, if any. */
  push(chunk: Buffer): Buffer | undefined {
    if (this.head === undefined) return chunk;
    const head = Buffer.concat([this.head, chunk]);
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    const [end, separator] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
    if (end < 0) {
      if (head.length > MAX_HEADER_BYTES)
        this.malformed(`no end of headers in the first ${MAX_HEADER_BYTES} bytes`);
      else this.head = head;
      return undefined;
    }
    this.head = undefined;
    this.parseHeaders(head.subarray(0, end).toString('latin1'));
    const body = head.subarray(end + separator);
    return body.length ? body : undefined;
  }

  /** The status, once the headers are complete or the response has ended. */
  status(): number {
    if (this.head !== undefined) this.malformed('the response ended inside its headers');
    return this.parsedStatus ?? 200;
  }

  /** Why the response counted as malformed, if it did. */
  malformedReason(): string | undefined {
    return this.problem;
  }

  private parseHeaders(text: string): void {
    for (const line of text.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0 || line.slice(0, colon).trim().toLowerCase() !== 'status') continue;
      const match = /^\s*([1-5]\d\d)(?:\s|$)/.exec(line.slice(colon + 1));
      if (!match) this.malformed(`invalid status header "${line.slice(0, 100)}"`);
      else if (this.problem === undefined) this.parsedStatus = Number(match[1]);
    }
  }

  private malformed(reason: string): void {
    this.head = undefined;
    this.problem ??= reason;
    this.parsedStatus = MALFORMED_RESPONSE_STATUS;
  }
}
