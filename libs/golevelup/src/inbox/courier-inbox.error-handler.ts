import { Logger } from '@nestjs/common';
import { MalformedDeliveryError } from '../errors/malformed-delivery.error';
import type { AmqpNackChannel } from '../connection/golevelup.types';

/** golevelup's `errorHandler` signature (`MessageErrorHandler`), declared structurally. */
export type CourierInboxErrorHandler = (
  channel: AmqpNackChannel,
  message: unknown,
  error: unknown,
) => Promise<void>;

export interface CourierInboxErrorHandlerOptions {
  /**
   * How long a delivery the inbox could not store (database down) is held before it is
   * requeued, so a failing database is not hammered by a redelivery loop. @default 1000
   */
  requeueDelayMs?: number;
}

const logger = new Logger('CourierInboxErrorHandler');

/**
 * An `errorHandler` for `@RabbitSubscribe` handlers that call `CourierInboxReceiver.receive`.
 * golevelup's default for a thrown error is REQUEUE, which would redeliver a malformed
 * delivery forever; this one rejects a `MalformedDeliveryError` without requeue (to the
 * queue's dead-letter exchange if it has one, else the broker drops it) and requeues any
 * other error (nothing was stored) after `requeueDelayMs`.
 */
export function createCourierInboxErrorHandler(
  options: CourierInboxErrorHandlerOptions = {},
): CourierInboxErrorHandler {
  const requeueDelayMs = options.requeueDelayMs ?? 1_000;
  if (!Number.isInteger(requeueDelayMs) || requeueDelayMs < 0) {
    throw new RangeError(`requeueDelayMs must be an integer >= 0; got ${requeueDelayMs}.`);
  }
  return async (channel, message, error) => {
    const malformed = MalformedDeliveryError.is(error);
    if (malformed) {
      logger.warn(`${(error as Error).message}`);
    } else if (requeueDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, requeueDelayMs));
    }
    try {
      channel.nack(message as never, false, !malformed);
    } catch {
      // The channel closed meanwhile: the broker requeues the unacked delivery itself.
    }
  };
}

/** `createCourierInboxErrorHandler()` with its defaults. */
export const courierInboxErrorHandler: CourierInboxErrorHandler = createCourierInboxErrorHandler();
