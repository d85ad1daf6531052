import { InvalidMessageError } from '@courier-nest/core';

/**
 * Whether a failed store was refused for what one of its messages holds, and will be refused
 * again however often it is retried: the inbox's own checks (`InvalidMessageError`, thrown
 * before any SQL), or PostgreSQL's data exceptions (SQLSTATE class 22: a value it cannot
 * store, e.g. `invalid byte sequence`, `unsupported Unicode escape sequence`). Anything
 * else (a connection lost, a lock timeout, the database down) is nobody's fault: the
 * deliveries go back.
 */
export function isRefusedForItsContent(error: unknown): boolean {
  if (error instanceof InvalidMessageError) return true;
  return /^22[0-9A-Z]{3}$/.test(sqlState(error) ?? '');
}

/** node-postgres' `code`, or TypeORM's copy of it (`QueryFailedError.driverError`). */
function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  if (typeof code === 'string') return code;
  return typeof driverError?.code === 'string' ? driverError.code : undefined;
}
