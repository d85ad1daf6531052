import type { Message } from '@courier-nest/consumer';

/**
 * The attributes both workers hand to the job (`AMQP_EXEC_ATTRIBUTES` for commands,
 * `AMQP_ATTRIBUTES` for FastCGI), as one JSON document. Absent properties are left out.
 * Header values are made JSON-safe by `toJsonSafe`.
 */
export function messageAttributesJson(message: Message): string {
  const a = message.attributes;
  return JSON.stringify({
    messageId: message.id,
    correlationId: a.correlationId,
    contentType: a.contentType,
    contentEncoding: a.contentEncoding,
    type: a.type,
    appId: a.appId,
    replyTo: a.replyTo,
    priority: a.priority,
    headers: toJsonSafe(a.headers),
    routingKey: a.routingKey,
    exchange: a.exchange,
    redelivered: a.redelivered,
    timestamp: a.timestamp?.toISOString(),
    attempt: message.attempt,
    source: message.source,
  });
}

/**
 * AMQP header tables can hold values JSON has no form for. Byte arrays (Buffers) become
 * base64 strings: they are binary by nature (amqplib decodes text fields to strings), so a
 * script decodes them when it needs the bytes. Dates become ISO strings, bigints decimal
 * strings, non-finite numbers strings; undefined entries are dropped as JSON would.
 */
export function toJsonSafe(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item) ?? null);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const safe = toJsonSafe(item);
      if (safe !== undefined) out[key] = safe;
    }
    return out;
  }
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  return value;
}
