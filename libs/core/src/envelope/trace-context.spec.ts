import { isValidTraceparent, traceIdOf } from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const VALID = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe('isValidTraceparent', () => {
  it.each([VALID, `00-${TRACE_ID}-00f067aa0ba902b7-00`, `01-${TRACE_ID}-00f067aa0ba902b7-01`])(
    'accepts %s',
    (value) => {
      expect(isValidTraceparent(value)).toBe(true);
    },
  );

  it.each([
    ['upper-case hex', VALID.toUpperCase()],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['the forbidden version ff', `ff-${TRACE_ID}-00f067aa0ba902b7-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-00f067aa0ba902b7-01`],
    ['a long parent id', `00-${TRACE_ID}-00f067aa0ba902b70-01`],
    ['non-hex characters', `00-${TRACE_ID.replace('4', 'g')}-00f067aa0ba902b7-01`],
    ['a missing flags field', `00-${TRACE_ID}-00f067aa0ba902b7`],
    ['surrounding whitespace', ` ${VALID} `],
    ['a trailing newline', `${VALID}\n`],
    ['empty', ''],
  ])('rejects %s', (_label, value) => {
    expect(isValidTraceparent(value)).toBe(false);
  });
});

describe('traceIdOf', () => {
  it('extracts the 32-hex trace id of a valid traceparent', () => {
    expect(traceIdOf(VALID)).toBe(TRACE_ID);
  });

  it.each([null, undefined, '', 'garbage', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`])(
    'returns null for %j',
    (value) => {
      expect(traceIdOf(value)).toBeNull();
    },
  );
});
