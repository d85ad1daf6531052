/**
 * Wraps a loader so that calls within `ttlMs` for the same source share one result:
 * several gauges read one stats query per scrape. Cached per source object, so two
 * outboxes (or inboxes) in one process keep their own figures; a failed load is not kept.
 */
export function cachedSnapshot<TSource extends object, T>(
  ttlMs: number,
  load: (source: TSource) => Promise<T>,
): (source: TSource) => Promise<T> {
  const cache = new WeakMap<TSource, { at: number; value: Promise<T> }>();
  return (source) => {
    const cached = cache.get(source);
    if (cached && Date.now() - cached.at <= ttlMs) return cached.value;
    const entry = { at: Date.now(), value: load(source) };
    cache.set(source, entry);
    entry.value.catch(() => cache.get(source) === entry && cache.delete(source));
    return entry.value;
  };
}
