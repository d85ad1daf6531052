import { MessageLogContext, type MessageLogFields } from '../logging/message-log-context';
import { handlerPipeline } from './handler-pipeline';
import { logContextWrapper } from './log-context.wrapper';

const fields: MessageLogFields = { messageId: 'm-1', queue: 'jobs', correlationId: 'req-42' };

describe('logContextWrapper', () => {
  // In this order: whether anyone has read the fields yet is per module, and reading turns it on.
  it('builds no fields while no logger reads them', async () => {
    expect(MessageLogContext.recording).toBe(false);
    const fieldsOf = jest.fn(() => fields);
    const step = handlerPipeline(async (input: string) => input).wrap(logContextWrapper(fieldsOf)).step;
    await expect(step('m-1', {})).resolves.toBe('m-1');
    expect(fieldsOf).not.toHaveBeenCalled();
  });

  it("runs the step in its message's fields, across awaits, once a logger reads them", async () => {
    MessageLogContext.current(); // a logger's first line
    const seen: Array<MessageLogFields | undefined> = [];
    const step = handlerPipeline(async (input: string) => {
      seen.push(MessageLogContext.current());
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(MessageLogContext.current());
      return input;
    }).wrap(logContextWrapper((messageId: string) => ({ ...fields, messageId }))).step;
    await expect(step('m-2', {})).resolves.toBe('m-2');
    expect(seen).toEqual([
      { ...fields, messageId: 'm-2' },
      { ...fields, messageId: 'm-2' },
    ]);
    expect(MessageLogContext.current()).toBeUndefined();
  });

  it('returns a synchronous result synchronously', () => {
    const step = handlerPipeline((input: string) => input.length).wrap(logContextWrapper(() => fields)).step;
    expect(step('four', {})).toBe(4);
  });
});
