import { createConnection, type Socket } from 'node:net';
import { FcgiProtocolStatus, FcgiRecordType } from './fastcgi.constants';
import {
  decodeEndRequest,
  encodeBeginRequest,
  encodeParamsRecords,
  encodeStream,
  RecordDecoder,
} from './fastcgi.records';
import { FastCgiRequestError, type FastCgiFailure } from './errors/fastcgi-request.error';

export type FastCgiAddress = { host: string; port: number } | { path: string };

export interface FastCgiRequest {
  params: Record<string, string>;
  /** The request body (FCGI_STDIN), sent byte for byte. */
  body: Buffer;
  /** Covers connecting, sending and the whole response. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Response body bytes as they arrive (FCGI_STDOUT), so large responses are never held whole. */
  onStdout(chunk: Buffer): void;
  /** The application's error stream (FCGI_STDERR) as it arrives. */
  onStderr(chunk: Buffer): void;
}

const REQUEST_ID = 1;

export function describeAddress(address: FastCgiAddress): string {
  return 'path' in address ? `unix:${address.path}` : `${address.host}:${address.port}`;
}

/**
 * A FastCGI client for one request per connection (no keep-alive, no multiplexing: PHP-FPM
 * supports neither well, and a fresh connection per message keeps failures independent).
 * Resolves with the application status once FCGI_END_REQUEST arrives; rejects with a
 * `FastCgiRequestError` otherwise. Holds no state between requests.
 */
export class FastCgiClient {
  private readonly label: string;

  constructor(private readonly address: FastCgiAddress) {
    this.label = describeAddress(address);
  }

  request(request: FastCgiRequest): Promise<{ appStatus: number }> {
    // Encoded before connecting: a parameter too large for a record is this message's fault.
    let paramsRecords: Buffer[];
    try {
      paramsRecords = encodeParamsRecords(REQUEST_ID, request.params);
    } catch (error) {
      return Promise.reject(new FastCgiRequestError('too-large', this.label, (error as Error).message));
    }
    return new Promise((resolve, reject) => {
      const decoder = new RecordDecoder();
      let connected = false;
      let settled = false;
      const socket: Socket = createConnection(this.address);
      const settle = (error?: FastCgiRequestError, appStatus = 0) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        if (error) reject(error);
        else resolve({ appStatus });
      };
      const fail = (failure: FastCgiFailure, message: string, cause?: unknown) =>
        settle(new FastCgiRequestError(failure, this.label, message, { cause }));
      const onAbort = () => fail('aborted', 'the request was aborted');
      const timer = setTimeout(
        () => fail('timeout', `no response within ${request.timeoutMs} ms`),
        request.timeoutMs,
      );
      if (request.signal?.aborted) return onAbort();
      request.signal?.addEventListener('abort', onAbort, { once: true });

      socket.on('connect', () => {
        connected = true;
        socket.write(encodeBeginRequest(REQUEST_ID));
        for (const record of paramsRecords) socket.write(record);
        for (const record of encodeStream(FcgiRecordType.STDIN, REQUEST_ID, request.body))
          socket.write(record);
      });
      socket.on('data', (chunk: Buffer) => {
        try {
          for (const record of decoder.push(chunk)) {
            if (settled || record.requestId !== REQUEST_ID) continue;
            if (record.type === FcgiRecordType.STDOUT) request.onStdout(record.content);
            else if (record.type === FcgiRecordType.STDERR) request.onStderr(record.content);
            else if (record.type === FcgiRecordType.END_REQUEST) this.ended(record.content, settle, fail);
          }
        } catch (error) {
          fail('protocol', (error as Error).message, error);
        }
      });
      socket.on('error', (error: NodeJS.ErrnoException) =>
        connected
          ? fail('closed', `connection failed: ${error.message}`, error)
          : fail('connect', error.message, error),
      );
      socket.on('close', () => fail('closed', 'connection closed before the response ended'));
    });
  }

  private ended(
    content: Buffer,
    settle: (error: undefined, appStatus: number) => void,
    fail: (failure: FastCgiFailure, message: string) => void,
  ): void {
    const { appStatus, protocolStatus } = decodeEndRequest(content);
    if (protocolStatus === FcgiProtocolStatus.REQUEST_COMPLETE) settle(undefined, appStatus);
    else fail('overloaded', `the server refused the request (protocol status ${protocolStatus})`);
  }
}
