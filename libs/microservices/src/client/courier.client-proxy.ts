import { Inject, Injectable, Optional } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { from, throwError, type Observable } from 'rxjs';
import { REQUEST_CLIENT, type RequestClient } from '@courier-nest/core';
import { OutboxService } from '@courier-nest/outbox';
import { RESOLVED_MICROSERVICES_OPTIONS } from '../courier-microservices.constants';
import type { ResolvedMicroservicesOptions } from '../courier-microservices-options.resolver';
import { CourierMicroservicesConfigurationError } from '../errors/courier-microservices-configuration.error';
import { CourierRequestTransportMissingError } from '../errors/courier-request-transport-missing.error';
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
 *
 * `send(pattern, data)` is a request to the queue named by the pattern, answered by a
 * `@MessagePattern` handler (of a `CourierServer` or any responder on that queue). It does not
 * go through the outbox (a caller waits for the answer; see docs/rpc.md) and fails with the
 * transport's typed error when no answer comes within `requestTimeoutMs`.
 */
@Injectable()
export class CourierClientProxy extends ClientProxy {
  constructor(
    @Inject(RESOLVED_MICROSERVICES_OPTIONS) private readonly options: ResolvedMicroservicesOptions,
    @Optional() private readonly outbox?: OutboxService,
    /** Sends `send()` requests (CourierRabbitMQModule provides it). */
    @Optional() @Inject(REQUEST_CLIENT) private readonly requests?: RequestClient,
  ) {
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

  /** `send()`: one request, its reply (or the transport's typed error) handed to Nest's callback. */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = String(packet.pattern);
    if (!this.requests) {
      callback({
        err: new CourierRequestTransportMissingError(MicroservicesMessages.noRequestClient(pattern)),
        isDisposed: true,
      });
      return () => undefined;
    }
    let disposed = false;
    this.requests.request(pattern, packet.data, { timeoutMs: this.options.requestTimeoutMs }).then(
      (response) => !disposed && callback({ response, isDisposed: true }),
      (err: unknown) => !disposed && callback({ err, isDisposed: true }),
    );
    // An unsubscribed caller gets nothing; the reply, if it comes, is dropped.
    return () => {
      disposed = true;
    };
  }
}
