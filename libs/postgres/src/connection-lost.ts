/** SQLSTATE classes of a connection the server ended or lost (08: connection exception, 57P: operator intervention). */
const LOST = /^(08|57P0[1-3])/;

/**
 * True when `error` says the connection went away (the server restarted, an operator
 * terminated it, the network dropped) rather than that the statement was refused: the
 * pool replaces such a connection, so a statement that may safely run twice can be
 * tried once more on another.
 */
export function isConnectionLost(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return LOST.test(code);
  return typeof message === 'string' && /Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE/.test(message);
}
