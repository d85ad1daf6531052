import type { CourierEventExtras } from '../interfaces/courier-microservices-options.interface';

/**
 * The inbox key of a handler of a pattern: `extras.handlerKey` when given; else the pattern
 * itself for the first handler of the pattern without one, and `<pattern>.2`, `<pattern>.3`…
 * for the next ones without one. `position` counts, 0-based and in registration order, the
 * handlers of the pattern before this one that have no `handlerKey`. Registration order
 * follows module and controller order, so with several handlers on one pattern, give each a
 * `handlerKey` (or all but one).
 */
export function handlerKeyFor(
  pattern: string,
  extras: CourierEventExtras | undefined,
  position: number,
): string {
  if (extras?.handlerKey !== undefined) return extras.handlerKey;
  return position === 0 ? pattern : `${pattern}.${position + 1}`;
}
