// W3C Trace Context: version-traceid-parentid-flags, lower-case hex, ids not all zero.
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function isValidTraceparent(value: string): boolean {
  return TRACEPARENT.test(value) && !value.startsWith('ff');
}

/** The trace id of a valid traceparent, or null. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  return traceparent && isValidTraceparent(traceparent) ? traceparent.slice(3, 35) : null;
}
