import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { corkFrameWrites } from '@courier-nest/rabbitmq/connection/corked-frame-writes';
import { AMQP_URL, uniqueName } from '../harness/env';

const PUBLISHES = 100;

/** Counts the writes that reach the socket of an amqplib connection (one per syscall). */
function countSocketWrites(model: ChannelModel): () => number {
  const socket = (model as unknown as { connection: { stream: Record<string, unknown> } }).connection.stream;
  let writes = 0;
  for (const method of ['_write', '_writev'] as const) {
    const original = socket[method] as (...args: unknown[]) => unknown;
    socket[method] = function (this: unknown, ...args: unknown[]) {
      writes++;
      return original.apply(this, args);
    };
  }
  return () => writes;
}

/**
 * amqplib hands each frame to the socket on its own; RabbitMQConnection corks the socket
 * for each pass of amqplib's frame multiplexer, so frames queued together go out as one
 * write. Against a real broker: the publishes of one tick, counted at the socket.
 */
describe('Corked frame writes (amqplib connection)', () => {
  const queue = uniqueName('corked_writes');
  const models: ChannelModel[] = [];

  afterAll(async () => {
    const channel = await models[0]?.createChannel();
    await channel?.deleteQueue(queue);
    for (const model of models) await model.close();
  });

  async function publishInOneTick(corked: boolean): Promise<{ writes: number; queued: number }> {
    const model = await connect(AMQP_URL);
    models.push(model);
    if (corked) expect(corkFrameWrites(model)).toBe(true);
    const channel: ConfirmChannel = await model.createConfirmChannel();
    await channel.assertQueue(queue, { durable: false });
    const writes = countSocketWrites(model);
    for (let i = 0; i < PUBLISHES; i++) channel.sendToQueue(queue, Buffer.from(`message ${i}`));
    await channel.waitForConfirms();
    const written = writes();
    const { messageCount } = await channel.purgeQueue(queue);
    return { writes: written, queued: messageCount };
  }

  it('sends the publishes of one tick in one socket write, each confirmed', async () => {
    expect(await publishInOneTick(true)).toEqual({ writes: 1, queued: PUBLISHES });
  });

  it('without it, amqplib writes each publish on its own', async () => {
    const { writes, queued } = await publishInOneTick(false);
    expect(writes).toBeGreaterThanOrEqual(PUBLISHES);
    expect(queued).toBe(PUBLISHES);
  });

  it('changes nothing on a connection not shaped like amqplib 2 and says so', () => {
    expect(corkFrameWrites({})).toBe(false);
    expect(corkFrameWrites(null)).toBe(false);
    expect(corkFrameWrites({ connection: { muxer: {}, stream: {} } })).toBe(false);
  });
});
