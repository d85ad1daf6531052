import { randomUUID } from 'node:crypto';

/** A new message id (UUID v4 from the platform: no dependency, no coordination). */
export function newMessageId(): string {
  return randomUUID();
}
