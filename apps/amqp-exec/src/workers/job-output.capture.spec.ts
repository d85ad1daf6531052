import { JobOutput } from './job-output.capture';
import { RecordingLogger } from './testing/recording-logger.fixture';

describe('JobOutput', () => {
  let logger: RecordingLogger;
  beforeEach(() => (logger = new RecordingLogger()));

  it('logs whole lines, joining chunks and UTF-8 characters split between them', () => {
    const stdout = new JobOutput(logger, { messageId: 'm' }).stream('stdout');
    const text = Buffer.from('héllo\r\nwor');
    stdout.write(text.subarray(0, 2)); // cuts "é" in half
    stdout.write(text.subarray(2));
    stdout.write(Buffer.from('ld\n\nlast'));
    stdout.end();
    expect(logger.lines).toEqual([
      { level: 'info', message: 'héllo', fields: { messageId: 'm', stream: 'stdout' } },
      { level: 'info', message: 'world', fields: { messageId: 'm', stream: 'stdout' } },
      { level: 'info', message: 'last', fields: { messageId: 'm', stream: 'stdout' } },
    ]);
  });

  it('keeps the last stderr lines for the reject reason, even past the byte budget', () => {
    const output = new JobOutput(logger, {}, 10);
    const stderr = output.stream('stderr');
    stderr.write(Buffer.from('one\ntwo\nthree is long\nfour\nfive\n'));
    expect(output.lastErrorLines()).toBe('three is long | four | five');
    expect(logger.messages('error')).toEqual(['one', 'two', 'output over 10 bytes: the rest is not logged']);
  });

  it('cuts an endless line instead of buffering it', () => {
    const stdout = new JobOutput(logger, {}).stream('stdout');
    for (let i = 0; i < 10; i++) stdout.write(Buffer.alloc(1024, 'a'));
    expect(logger.messages('info')).toHaveLength(1);
    expect(logger.messages('info')[0].length).toBe(9 * 1024);
  });
});
