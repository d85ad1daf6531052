import type { Message } from './message.interface';

/** Where a consumer hands what it receives. */
export interface ConsumerSink {
  /** A delivery. The consumer sends at most `prefetch` unsettled messages at a time. */
  message(message: Message): void;
  /**
   * The consumer broke (channel closed, queue deleted, connection lost). It sends
   * nothing after this; the runner closes it and asks the factory for a new one.
   * Messages already handed out may still be settled; settling them is a no-op if
   * their channel is gone (the broker redelivers them).
   */
  error(error: Error): void;
}

/**
 * A subscription to one source (patron's Consumer). It pushes deliveries to a sink,
 * at most `prefetch` unsettled at once.
 *
 * - `start` subscribes; `stop` unsubscribes but keeps the channel, so messages already
 *   delivered can still be settled (pause). `start` again resumes.
 * - `setPrefetch` changes how many unsettled messages it may hold; it applies at once,
 *   re-subscribing if the transport requires it.
 * - `close` stops and releases everything. Unsettled messages go back to the source.
 */
export interface Consumer {
  start(sink: ConsumerSink): Promise<void>;
  stop(): Promise<void>;
  setPrefetch(prefetch: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Makes consumers of one source. The runner calls `create` at start and again after
 * a consumer reported an error, with a growing delay between failed attempts.
 */
export interface ConsumerFactory {
  /** The source's name, for logs and metric labels. */
  readonly source: string;
  create(options: { prefetch: number }): Promise<Consumer>;
}
