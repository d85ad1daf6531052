import type { RpcErrorBody } from './rpc.interfaces';

/**
 * What a responder tells the caller about a failed handler: the error's message, its
 * `code` (a string or number property, as Courier's and Node's errors have) and an
 * HTTP-like status (`status` / `statusCode`, or `getStatus()` of Nest's HttpException).
 * Nothing else crosses: no stack, no cause.
 */
export function toErrorBody(error: unknown): RpcErrorBody {
  if (!(error instanceof Error)) return { message: typeof error === 'string' ? error : String(error) };
  const source = error as Error & {
    code?: unknown;
    status?: unknown;
    statusCode?: unknown;
    getStatus?: unknown;
  };
  const body: RpcErrorBody = { message: error.message || error.name };
  if (typeof source.code === 'string' || isFiniteNumber(source.code)) body.code = source.code;
  const status =
    typeof source.getStatus === 'function'
      ? (source.getStatus as () => unknown).call(error)
      : (source.status ?? source.statusCode);
  if (isFiniteNumber(status)) body.status = status;
  return body;
}

/**
 * Reads a decoded error reply, keeping only well-typed fields: a responder that is not
 * Courier's may send anything, and a caller should still get a message it can show.
 */
export function fromErrorBody(value: unknown): RpcErrorBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { message: typeof value === 'string' && value ? value : 'the responder failed without a message' };
  }
  const { message, code, status } = value as Record<string, unknown>;
  const body: RpcErrorBody = {
    message: typeof message === 'string' && message ? message : 'the responder failed without a message',
  };
  if (typeof code === 'string' || isFiniteNumber(code)) body.code = code;
  if (isFiniteNumber(status)) body.status = status;
  return body;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
