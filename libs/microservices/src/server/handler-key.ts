import type { CourierEventExtras } from '../interfaces/courier-microservices-options.interface';

/**
 * The inbox key of the `position`-th (0-based, in registration order) handler of a pattern:
 * `extras.handlerKey` when given; else the pattern itself for the first handler and
 * `<pattern>.<position + 1>` for the next ones. Registration order follows module and
 * provider order, so with several handlers on one pattern, give each a `handlerKey`.
 */
export function handlerKeyFor(pattern: string, extras: CourierEventExtras | undefined, position: number): string {
  if (extras?.handlerKey !== undefined) return extras.handlerKey;
  return position === 0 ? pattern : `${pattern}.${position + 1}`;
}
