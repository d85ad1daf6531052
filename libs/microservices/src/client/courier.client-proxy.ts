import { Injectable, Optional } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { from, throwError, type Observable } from 'rxjs';
import { OutboxService } from '@courier-nest/outbox';
import { CourierMicroservicesConfigurationError } from '../errors/courier-microservices-configuration.error';
import { CourierRequestResponseUnsupportedError } from '../errors/courier-request-response-unsupported.error';
import { MicroservicesMessages } from '../microservices.messages';
import { CourierRecord } from './courier-record';

/**
 * A `ClientProxy` whose `emit(pattern, data)` writes to the transactional outbox: the message
 * (destination = pattern, type = pattern unless a `CourierRecord` says otherwise) is published
 * if and only if the caller's transaction commits.
 *
 * `emit` writes at once, in the ambient transaction of `@Transactional()` /
 * `OutboxTransactions.run`, and returns an Observable of the message id. Await it inside that
 * transaction (`await lastValueFrom(client.emit(...))`): the INSERT must finish before the
 * commit, and a failure (`OutboxTransactionRequiredError` outside a transaction, an invalid
 * message) arrives through it.
 */
@Injectable()
export class CourierClientProxy extends ClientProxy {
  constructor(@Optional() private readonly outbox?: OutboxService) {
    super();
  }

  /**
   * Writes one message to the outbox now (not on subscription, unlike other clients: the
   * write must run in the caller's transaction) and returns its id once written.
   */
  override emit<TResult = string, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    let written: Promise<TResult>;
    try {
      written = this.dispatchEvent<TResult>({ pattern, data });
    } catch (error) {
      return throwError(() => error);
    }
    // Observed through the Observable; this only keeps an ignored failure from crashing the process.
    written.catch(() => undefined);
    return from(written);
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    return undefined;
  }

  /** The outbox the messages are written to. */
  unwrap<T>(): T {
    return this.outbox as T;
  }

  /** CourierClientProxy emits no transport events; the relay's health and metrics tell how publishing goes. */
  override on(): void {
    return undefined;
  }

  /** Synchronous up to the outbox's first await, so that the ambient transaction is the caller's. */
  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    if (!this.outbox) throw new CourierMicroservicesConfigurationError(MicroservicesMessages.noOutbox);
    const { pattern, data } = packet;
    const record = data instanceof CourierRecord ? data : undefined;
    const destination = pattern as string;
    const ids = this.outbox.publish({
      type: destination,
      ...record?.options,
      destination,
      payload: record ? record.data : data,
    });
    return ids.then(([id]) => id as T);
  }

  /** Request/response (`send`) is not served by Courier yet: it fails with a clear error. */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({
      err: new CourierRequestResponseUnsupportedError(
        MicroservicesMessages.clientSend(String(packet.pattern)),
      ),
      isDisposed: true,
    });
    return () => undefined;
  }
}
