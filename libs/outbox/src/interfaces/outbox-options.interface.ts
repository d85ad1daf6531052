import type { BackoffOptions } from '@courier-nest/core';

export type OutboxOrdering = 'unordered' | 'per-key';

export interface OutboxRelayOptions {
  /** Run the relay in this process. Turn off in processes that only write. @default true */
  enabled?: boolean;
  /** Rows claimed per batch (held in memory while published: mind large payloads). @default 1000 */
  batchSize?: number;
  /**
   * Batches in flight at once in this process (claims never overlap: SKIP LOCKED). Each claimer
   * holds a pool connection only while it claims or settles. @default 4
   */
  concurrency?: number;
  /**
   * How long a claim holds its rows without a renewal. The relay renews the leases of the
   * batches it is publishing every third of this, so a slow confirm keeps its rows, while
   * the rows of a relay that died are taken by another within this time. @default 5000
   */
  leaseMs?: number;
  /** Fallback poll when no wake-up arrives (NOTIFY lost, another writer). @default 5000 */
  pollIntervalMs?: number;
  /** Random extra fraction of the poll interval, so relays do not poll in step. @default 0.2 */
  pollJitter?: number;
  /** Attempts (failed publishes) before a row is dead. @default 10 */
  maxAttempts?: number;
  /** Delay between attempts. @default { initialDelayMs: 1000, maxDelayMs: 300000, multiplier: 2, jitter: 0.2 } */
  backoff?: BackoffOptions;
  /** Delay before retrying rows that never reached a broker (disconnected). @default 1000 */
  unsentRetryDelayMs?: number;
  /** How long shutdown waits for in-flight batches before releasing their leases. @default 10000 */
  shutdownTimeoutMs?: number;
  /** Name of this relay in leases and logs; must be unique per process. @default `${hostname}:${pid}:${random}` */
  processorId?: string;
}

export interface OutboxModuleOptions {
  /** Schema of the outbox tables; validated against /^[a-z_][a-z0-9_]{0,62}$/. @default 'courier' */
  schema?: string;
  /** The service name stamped on every message (`source`, AMQP appId). @default process.env.npm_package_name ?? 'courier' */
  serviceName?: string;
  /** Create / migrate the tables at bootstrap; for tests and demos. Production runs the migrations. @default false */
  migrationsRun?: boolean;
  /** `per-key`: same-key messages are published in the order written, across relays. @default 'unordered' */
  ordering?: OutboxOrdering;
  /** Largest encoded payload accepted by `publish`. @default 1048576 (1 MiB) */
  maxPayloadBytes?: number;
  /** Send a NOTIFY with each transaction that publishes, so every relay wakes at once. @default true */
  notify?: boolean;
  /** Refuse `publish(manager)` when the manager has no active transaction. @default true */
  requireTransaction?: boolean;
  relay?: OutboxRelayOptions;
}
