import type { BackoffOptions } from '@courier-nest/core';

export interface InboxDeadInfo {
  messageId: string;
  eventType: string;
  handlerKey: string;
  attempts: number;
  error: string;
}

export interface InboxErrorInfo extends InboxDeadInfo {
  /** True when this failure made the handler dead. */
  dead: boolean;
}

export interface InboxModuleOptions {
  /** Schema of the inbox tables; validated against /^[a-z_][a-z0-9_]{0,62}$/. @default 'courier' */
  schema?: string;
  /** Names the service's queues (`<serviceName>.<eventType>`). @default process.env.npm_package_name ?? 'courier' */
  serviceName?: string;
  /** Create / migrate the tables at bootstrap; for tests and demos. @default false */
  migrationsRun?: boolean;
  /** A handler slower than this is aborted and its attempt fails. @default 10000 (the seed's) */
  handlerTimeoutMs?: number;
  /** Attempts before a handler is dead for a message. @default 5 (the seed's) */
  maxAttempts?: number;
  /** Delay between attempts. @default { initialDelayMs: 1000, maxDelayMs: 300000, multiplier: 2, jitter: 0.2 } */
  backoff?: BackoffOptions;
  /**
   * A second handler with an existing (eventType, handlerKey): `error` fails bootstrap;
   * `first-wins` keeps the first and warns (the seed's behaviour). @default 'error'
   */
  duplicateHandlers?: 'error' | 'first-wins';
  /** Largest payload accepted by `receive`. @default 1048576 (1 MiB) */
  maxPayloadBytes?: number;
  dispatcher?: {
    /** Run the dispatcher in this process. @default true */
    enabled?: boolean;
    /** (message, handler) rows claimed per batch. @default 100 */
    batchSize?: number;
    /** Handlers running at once in this process; twice the batch size lets the next batch be claimed while one runs. @default 200 */
    concurrency?: number;
    /** Poll interval when nothing wakes the dispatcher (the seed's iteration rate). @default 5000 */
    pollIntervalMs?: number;
    /** Random extra fraction of the poll interval (the seed's iteration seed). @default 0.2 */
    pollJitter?: number;
    /**
     * How long a claim holds its handler runs without a renewal. The dispatcher renews the
     * leases of the runs it holds every third of this while they wait and run, so a slow
     * handler keeps its run, while the runs of a process that died are taken by another
     * within this time. @default 5000
     */
    leaseMs?: number;
    /**
     * @deprecated Ignored: leases are renewed while handlers run, so a claim no longer has
     * to outlast the handler timeout. Use `leaseMs`.
     */
    leaseMarginMs?: number;
    /** Name in leases and logs; unique per process. @default `${hostname}:${pid}:${random}` */
    processorId?: string;
    /** How long shutdown waits for running handlers. @default 10000 */
    shutdownTimeoutMs?: number;
  };
  retention?: {
    /** Remove fully handled messages older than this many days (the seed's window days). @default 7 */
    windowDays?: number;
    /** How often to sweep (the seed's erase interval); 0 turns the sweeper off. @default 3600000 */
    eraseIntervalMs?: number;
  };
  /** Called once when a handler becomes dead for a message. */
  onDead?: (info: InboxDeadInfo) => void | Promise<void>;
  /** Called on every failed attempt. */
  onError?: (info: InboxErrorInfo) => void | Promise<void>;
}
