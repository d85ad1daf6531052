/** How `ConsumerRunner.pause` returns. */
export interface PauseOptions {
  /**
   * Also wait until the processors running when `pause` was called have finished and
   * settled their messages. Without it, `pause` returns once deliveries stopped and the
   * buffered ones went back, while processors may still be running.
   * @default false
   */
  drain?: boolean;
  /**
   * With `drain`: how long to wait before rejecting with `DrainTimeoutError` (processors
   * are not aborted; the runner stays paused).
   * @default the runner's `shutdownTimeoutMs`
   */
  timeoutMs?: number;
}
