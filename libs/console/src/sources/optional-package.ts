/**
 * A sibling package the application may not have installed (the console shows the
 * outbox only where `@courier-nest/outbox` is, and so on): its exports, or null.
 * `load` is a literal `import('<name>')` at the call site, so that loaders which map
 * package names to sources (ts-node, swc-node) map it like any other import, and the
 * console finds the same classes the application registered.
 */
export async function optionalPackage<T>(name: string, load: () => Promise<unknown>): Promise<T | null> {
  try {
    return (await load()) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && (error as Error).message.includes(name)) return null;
    throw error;
  }
}
