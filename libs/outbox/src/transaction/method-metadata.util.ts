import 'reflect-metadata';

/**
 * Copies every Reflect metadata entry of `from` onto `to`. Decorators that ran before a
 * wrapping decorator (those written below it) put their metadata on the original function:
 * Nest's `@Post()`, `SetMetadata`, `@EventPattern`, `DiscoveryService.createDecorator`
 * (`@InboxHandler`). Readers look it up on the function the class holds, the wrapper.
 */
export function copyMethodMetadata(from: object, to: object): void {
  for (const key of Reflect.getOwnMetadataKeys(from)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, from), to);
  }
}
