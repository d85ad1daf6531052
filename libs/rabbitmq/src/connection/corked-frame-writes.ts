import type { Writable } from 'node:stream';

/** The parts of an amqplib connection this touches (not public API: checked before use). */
interface FrameMux {
  _readIncoming: () => void;
}
interface AmqplibConnection {
  muxer?: FrameMux;
  stream?: Writable;
}

const CORKED = Symbol('courier:corked-frame-writes');

/**
 * Sends the frames amqplib has queued in one pass as one socket write. amqplib's
 * multiplexer hands each frame to the socket with its own `write()`, and each became a
 * system call: a batch of 1,000 publishes, 1,000 writes. Corking the socket for the pass
 * makes them one `writev`; nothing waits for it, since the pass is synchronous.
 *
 * `model` is what amqplib's `connect` gave (or its 'connect' event passes). Returns false,
 * changing nothing, when the connection is not shaped as expected (another amqplib
 * version): frames then go out one write each, as before.
 */
export function corkFrameWrites(model: unknown): boolean {
  const connection = (model as { connection?: AmqplibConnection } | null)?.connection;
  const muxer = connection?.muxer;
  const socket = connection?.stream;
  if (typeof muxer?._readIncoming !== 'function' || typeof socket?.cork !== 'function') return false;
  const patched = muxer as FrameMux & { [CORKED]?: true };
  if (patched[CORKED]) return true;
  const writeQueuedFrames = muxer._readIncoming;
  muxer._readIncoming = function (this: FrameMux) {
    socket.cork();
    try {
      writeQueuedFrames.call(this);
    } finally {
      socket.uncork();
    }
  };
  patched[CORKED] = true;
  return true;
}
