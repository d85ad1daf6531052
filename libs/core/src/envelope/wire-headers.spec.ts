import { isReservedHeader, RESERVED_HEADER_NAMES, RESERVED_HEADER_PREFIX, WireHeaders } from './wire-headers';

describe('WireHeaders', () => {
  it('reserves exactly the names Courier writes, in lower case', () => {
    expect([...RESERVED_HEADER_NAMES].sort()).toEqual(
      [
        'traceparent',
        'tracestate',
        'x-causation-id',
        'x-correlation-id',
        'x-courier-key',
        'x-courier-occurred-at',
      ].sort(),
    );
    for (const name of RESERVED_HEADER_NAMES) expect(name).toBe(name.toLowerCase());
    expect(RESERVED_HEADER_PREFIX).toBe('x-courier-');
    expect(WireHeaders.correlationId).toBe('x-correlation-id');
  });
});

describe('isReservedHeader', () => {
  it.each(RESERVED_HEADER_NAMES)('reserves %s', (name) => {
    expect(isReservedHeader(name)).toBe(true);
  });

  it.each(['X-Correlation-Id', 'TRACEPARENT', 'TraceState', 'X-CAUSATION-ID'])(
    'compares case-insensitively: %s',
    (name) => {
      expect(isReservedHeader(name)).toBe(true);
    },
  );

  it.each(['x-courier-anything', 'X-Courier-Retry', 'x-courier-'])(
    'reserves the x-courier- prefix: %s',
    (name) => {
      expect(isReservedHeader(name)).toBe(true);
    },
  );

  it.each(['x-tenant-id', 'x-courier', 'my-x-courier-key', 'traceparent2', 'x-correlation', ''])(
    'leaves %j to users',
    (name) => {
      expect(isReservedHeader(name)).toBe(false);
    },
  );
});
