import { handlerPipeline, isPromiseLike, type PipelineWrapper } from './handler-pipeline';

/** A wrapper that notes when the run enters and leaves it. */
function noting(name: string, events: string[]): PipelineWrapper<string, object, string> {
  return (next) => async (input, scope) => {
    events.push(`${name} in`);
    const result = await next(input, scope);
    events.push(`${name} out`);
    return `${name}(${result})`;
  };
}

describe('handlerPipeline', () => {
  it('puts each wrapper around what was composed before it: the first wrapped runs innermost', async () => {
    const events: string[] = [];
    const step = handlerPipeline((input: string, _scope: object) => {
      events.push('handler');
      return input.toUpperCase();
    })
      .wrap(noting('timeout', events))
      .wrap(noting('tracing', events)).step;
    await expect(step('order', {})).resolves.toBe('tracing(timeout(ORDER))');
    expect(events).toEqual(['tracing in', 'timeout in', 'handler', 'timeout out', 'tracing out']);
  });

  it("lets a wrapper change the result's type, and passes each run its own input and scope", async () => {
    const scopes: object[] = [];
    const length: PipelineWrapper<string, { id: number }, string, number> = (next) => async (input, scope) =>
      (await next(input, scope)).length;
    const step = handlerPipeline((input: string, scope: { id: number }) => {
      scopes.push(scope);
      return input;
    }).wrap(length).step;
    const first = { id: 1 };
    await expect(step('four', first)).resolves.toBe(4);
    expect(scopes).toEqual([first]);
  });

  it('without wrappers, is the handler itself', () => {
    const handler = (input: number) => input + 1;
    expect(handlerPipeline(handler).step).toBe(handler);
  });
});

describe('isPromiseLike', () => {
  it('is true for promises and other thenables, false for plain values', () => {
    expect(isPromiseLike(Promise.resolve(1))).toBe(true);
    expect(isPromiseLike({ then: () => undefined })).toBe(true);
    expect(isPromiseLike(undefined)).toBe(false);
    expect(isPromiseLike(null)).toBe(false);
    expect(isPromiseLike({ kind: 'ack' })).toBe(false);
  });
});
