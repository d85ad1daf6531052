/**
 * A sibling package the application may not have installed (the console shows the
 * outbox only where `@courier-nest/outbox` is, and so on): its exports, or null.
 */
export function optionalPackage<T>(name: string): T | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && (error as Error).message.includes(name)) return null;
    throw error;
  }
}
