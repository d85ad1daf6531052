/**
 * What the error interceptor saw of one handler run: Nest's RPC exception filter replaces
 * any error that is no `RpcException` by `{ status: 'error', message: 'Internal server error' }`,
 * so the server reads the original here to settle it (validation error → dead at once).
 */
interface Capture {
  intercepted: boolean;
  error?: { value: unknown };
}

const captures = new WeakMap<object, Capture>();

export function markIntercepted(context: object): void {
  captures.set(context, { intercepted: true });
}

export function captureFailure(context: object, error: unknown): void {
  captures.set(context, { intercepted: true, error: { value: error } });
}

export function capturedRun(context: object): Capture | undefined {
  return captures.get(context);
}
