import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestQueues } from '../harness/broker';
import { AMQP_URL } from '../harness/env';
import { waitFor } from '../harness/wait-for';

/**
 * docs/consumer.md's builder example ("Without Nest") is test/fixtures/consumer-builder.example.ts
 * verbatim, so tsc and eslint check it with the rest of the repository; this suite checks the
 * page still shows exactly that file, and runs it as its own process, as a user would.
 */
const REPO = join(__dirname, '../..');
const EXAMPLE = 'test/fixtures/consumer-builder.example.ts';

/** The code block the page says is `EXAMPLE`. */
function quotedExample(markdown: string): string {
  const marker = markdown.indexOf(`<!-- This block is ${EXAMPLE} verbatim`);
  if (marker < 0) throw new Error(`docs/consumer.md no longer marks a code block as ${EXAMPLE}`);
  const block = markdown.slice(marker).match(/-->\n```ts\n([\s\S]*?)^```$/m);
  if (!block) throw new Error(`docs/consumer.md has no ts code block after the ${EXAMPLE} marker`);
  return block[1];
}

describe("docs/consumer.md's builder example", () => {
  let queues: TestQueues;
  beforeAll(async () => (queues = await TestQueues.open('builder_doc')));
  afterAll(() => queues.close());

  it('is the example file verbatim, importing only from the package roots', async () => {
    const [doc, example] = await Promise.all([
      readFile(join(REPO, 'docs/consumer.md'), 'utf8'),
      readFile(join(REPO, EXAMPLE), 'utf8'),
    ]);
    expect(quotedExample(doc)).toBe(example); // on a difference: update the page and the file together
    const imports = [...example.matchAll(/from '([^']+)'/g)].map(([, from]) => from);
    expect(imports).toEqual(['@courier-nest/consumer', '@courier-nest/rabbitmq']);
  });

  it('processes and acks a message from RabbitMQ, then on SIGTERM stops the runner and closes the connection', async () => {
    const queue = await queues.declare();
    await queues.send(queue, Buffer.from(JSON.stringify({ imageId: 'img-1' })));

    const child = fork(join(REPO, EXAMPLE), [], {
      cwd: REPO, // @swc-node/register reads the repository's tsconfig paths from here
      execArgv: ['-r', '@swc-node/register'],
      env: { ...process.env, AMQP_URL, JOBS_QUEUE: queue },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exited = new Promise<void>((resolve) =>
      child.on('exit', (code, signal) => resolve(void (exit = { code, signal }))),
    );
    try {
      await waitFor(
        () => output.includes('resized img-1\n'),
        `the example to process img-1 (output: ${output})`,
      );
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      throw error;
    }

    child.kill('SIGTERM');
    // The example's handler ran (no default SIGTERM death) and, with the runner stopped and
    // the connection closed, nothing kept the process alive.
    const ended = await waitFor(() => exit, 'the example to end by itself after SIGTERM', {
      timeoutMs: 15_000,
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    expect(ended).toEqual({ code: 0, signal: null });
    // Had the message not been acked, closing the connection would have put it back.
    expect(await queues.channel.checkQueue(queue)).toMatchObject({ messageCount: 0, consumerCount: 0 });
    expect((await queues.channel.checkQueue(`${queue}.dead`)).messageCount).toBe(0);
    expect(output).not.toMatch(/ERROR|WARN/);
  });
});
