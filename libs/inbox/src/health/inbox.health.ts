import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '@courier-nest/core/internal';
import { InboxDispatcher } from '../dispatcher/inbox-dispatcher.service';
import { InboxStore } from '../inbox.store';

export interface InboxHealthThresholds {
  /** Down when the oldest due handler run waits longer than this. @default no limit */
  maxOldestDueAgeMs?: number;
  /** Down when more (message, handler) pairs than this are dead. @default no limit */
  maxDead?: number;
  /** Consumers a transport reports attached, and how many are expected (RabbitMQ bridge). */
  consumers?: () => { attached: number; expected: number };
  /** @default 1000 */
  timeoutMs?: number;
}

/** Terminus indicator: dispatcher running, backlog, oldest due age, dead count, consumers attached. */
@Injectable()
export class InboxHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly dispatcher: InboxDispatcher,
    private readonly store: InboxStore,
  ) {}

  async isHealthy<const Key extends string = 'inbox'>(
    key: Key = 'inbox' as Key,
    thresholds: InboxHealthThresholds = {},
  ) {
    const indicator = this.health.check(key);
    let stats;
    try {
      stats = await withTimeout(this.store.stats(), thresholds.timeoutMs ?? 1_000);
    } catch (error) {
      return indicator.down({ message: `inbox unreadable: ${(error as Error).message}` });
    }
    const consumers = thresholds.consumers?.();
    const data = {
      dispatcherRunning: this.dispatcher.isRunning(),
      backlog: stats.due,
      dead: stats.dead,
      oldestDueAgeMs: Math.round(stats.oldestDueAgeMs),
      ...(consumers ? { consumersAttached: consumers.attached, consumersExpected: consumers.expected } : {}),
    };
    const problems: string[] = [];
    if (this.dispatcher.isEnabled() && !data.dispatcherRunning) problems.push('dispatcher not running');
    if (thresholds.maxOldestDueAgeMs !== undefined && stats.oldestDueAgeMs > thresholds.maxOldestDueAgeMs) {
      problems.push(`oldest due handler run waits ${data.oldestDueAgeMs} ms`);
    }
    if (thresholds.maxDead !== undefined && stats.dead > thresholds.maxDead)
      problems.push(`${stats.dead} dead handler runs`);
    if (consumers && consumers.attached < consumers.expected) {
      problems.push(`${consumers.attached} of ${consumers.expected} consumers attached`);
    }
    return problems.length > 0
      ? indicator.down({ ...data, message: problems.join('; ') })
      : indicator.up(data);
  }
}
