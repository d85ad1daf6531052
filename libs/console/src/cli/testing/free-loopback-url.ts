import { createServer } from 'node:net';

/** A console URL on a loopback port nothing listens on (taken, then released). */
export async function freeLoopbackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/courier`;
}
