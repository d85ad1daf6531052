import { handlerPipeline, type PipelineStep } from './handler-pipeline';
import { metricsWrapper, type RunObserver } from './metrics.wrapper';

function observed<R>(handler: PipelineStep<string, object, R>) {
  const events: Array<[string, string, unknown, number?]> = [];
  const observer: RunObserver<string, R> = {
    started: (input) => void events.push(['started', input, undefined]),
    finished: (input, result, seconds) => void events.push(['finished', input, result, seconds]),
    failed: (input, error, seconds) => void events.push(['failed', input, error, seconds]),
  };
  return { step: handlerPipeline(handler).wrap(metricsWrapper(observer)).step, events };
}

describe('metricsWrapper', () => {
  it('reports the start, then the result and duration of an async run', async () => {
    const { step, events } = observed(async (input: string) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `${input} done`;
    });
    await expect(step('m-1', {})).resolves.toBe('m-1 done');
    expect(events).toEqual([
      ['started', 'm-1', undefined],
      ['finished', 'm-1', 'm-1 done', expect.any(Number)],
    ]);
    expect(events[1][3]).toBeGreaterThan(0);
    expect(events[1][3]).toBeLessThan(60); // seconds, not milliseconds
  });

  it('reports a synchronous result and returns it synchronously', () => {
    const { step, events } = observed((input: string) => input.length);
    expect(step('four', {})).toBe(4);
    expect(events.map(([event, , result]) => [event, result])).toEqual([
      ['started', undefined],
      ['finished', 4],
    ]);
  });

  it('reports a rejection and passes it on', async () => {
    const boom = new Error('boom');
    const { step, events } = observed(async () => {
      throw boom;
    });
    await expect(step('m-1', {})).rejects.toBe(boom);
    expect(events.map(([event, , detail]) => [event, detail])).toEqual([
      ['started', undefined],
      ['failed', boom],
    ]);
  });

  it('reports a synchronous throw and passes it on', () => {
    const boom = new Error('boom');
    const { step, events } = observed(() => {
      throw boom;
    });
    expect(() => step('m-1', {})).toThrow(boom);
    expect(events.map(([event]) => event)).toEqual(['started', 'failed']);
  });
});
