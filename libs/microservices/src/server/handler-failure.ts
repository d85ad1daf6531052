import { HttpException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { InboxNonRetryableError } from '@courier-nest/inbox';

/** 4xx statuses that say "try later", not "this message is wrong": Request Timeout, Too Many Requests. */
const TRANSIENT_CLIENT_STATUSES = new Set([408, 429]);

/**
 * Turns what an `@EventPattern` handler failed with (the exception itself, or what an
 * exception filter made of it) into what the inbox settles on:
 *
 * - dead at once (an `InboxNonRetryableError`): an `InboxNonRetryableError`; an
 *   `HttpException` with a 4xx status other than 408 and 429 (`ValidationPipe`'s
 *   `BadRequestException`, `ParseIntPipe`'s, `NotFoundException`…); an `RpcException`, or an
 *   object a filter emitted, whose error carries such a status as `statusCode` or `status`.
 * - retried with the inbox backoff, then dead after `maxAttempts`: everything else (the
 *   error itself when it is an `Error`, so its name and message are kept).
 *
 * The text is the exception's message; a validation message list is joined with "; ".
 */
export function toInboxFailure(thrown: unknown): Error {
  if (thrown instanceof InboxNonRetryableError) return thrown;
  const status = clientErrorStatus(thrown);
  if (status !== undefined && !TRANSIENT_CLIENT_STATUSES.has(status)) {
    return new InboxNonRetryableError(`${nameOf(thrown)}: ${describe(thrown)}`, { cause: thrown });
  }
  if (thrown instanceof Error) return thrown;
  const error = new Error(describe(thrown), { cause: thrown });
  error.name = 'RpcError';
  return error;
}

/** The 4xx status a failure carries, if any. */
function clientErrorStatus(thrown: unknown): number | undefined {
  let status: unknown;
  if (thrown instanceof HttpException) status = thrown.getStatus();
  else if (thrown instanceof RpcException) status = statusOf(thrown.getError());
  else if (!(thrown instanceof Error)) status = statusOf(thrown);
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function statusOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const { statusCode, status } = value as { statusCode?: unknown; status?: unknown };
  return statusCode ?? status;
}

function nameOf(thrown: unknown): string {
  if (!(thrown instanceof Error)) return 'RpcError';
  // RpcException leaves name at "Error": its class says more.
  return thrown.name === 'Error' ? thrown.constructor.name : thrown.name;
}

/** The human part of a failure: the response's `message` (joined when a list), else the error's. */
export function describe(thrown: unknown): string {
  const body =
    thrown instanceof HttpException
      ? thrown.getResponse()
      : thrown instanceof RpcException
        ? thrown.getError()
        : thrown instanceof Error
          ? thrown.message
          : thrown;
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null) {
    const { message } = body as { message?: unknown };
    if (Array.isArray(message)) return message.map(String).join('; ');
    if (typeof message === 'string') return message;
  }
  if (thrown instanceof Error) return thrown.message;
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return String(body);
  }
}
