/**
 * What a `@MessagePattern` handler's failure becomes for the transport's error reply: an Error
 * as it is (the transport reads its message, `code` and `status` / `getStatus()`), and what
 * an exception filter emitted instead (`{ status, message }`, an `RpcException`'s error) as an
 * Error carrying the same fields, never `[object Object]`.
 */
export function toReplyError(failure: unknown): Error {
  if (failure instanceof Error) return failure;
  if (typeof failure === 'object' && failure !== null) {
    const { message, status, statusCode, code } = failure as Record<string, unknown>;
    const error = new Error(typeof message === 'string' ? message : JSON.stringify(failure));
    const httpStatus =
      typeof statusCode === 'number' ? statusCode : typeof status === 'number' ? status : undefined;
    return Object.assign(
      error,
      httpStatus === undefined ? {} : { status: httpStatus },
      code === undefined ? {} : { code },
    );
  }
  return new Error(String(failure));
}
