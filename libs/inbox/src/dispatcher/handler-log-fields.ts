import { WireHeaders, type MessageLogFields } from '@courier-nest/core';

/**
 * The log fields of one (message, handler) pair: around its handler run (the log
 * context wrapper) and its `onError` / `onDead` callbacks.
 */
export function handlerLogFields(
  messageId: string,
  eventType: string,
  handlerKey: string,
  headers?: Record<string, string>,
): MessageLogFields {
  const correlationId = headers?.[WireHeaders.correlationId];
  return correlationId
    ? { messageId, eventType, handlerKey, correlationId }
    : { messageId, eventType, handlerKey };
}
