import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '@courier-nest/core/internal';
import { RESOLVED_OUTBOX_OPTIONS } from '../outbox.constants';
import type { ResolvedOutboxOptions } from '../outbox-options.resolver';
import { OutboxStore } from '../outbox.store';
import { OutboxRelay } from '../relay/outbox-relay.service';

export interface OutboxHealthThresholds {
  /** Down when the oldest waiting message is older than this. @default no limit */
  maxOldestPendingAgeMs?: number;
  /** Down when more messages than this are dead. @default no limit */
  maxDead?: number;
  /** Time allowed for the backlog query. @default 1000 */
  timeoutMs?: number;
}

/**
 * Terminus indicator: relay running, broker connected, backlog, oldest pending age,
 * messages retrying and dead, and scheduled ones (which count in none of the others
 * before their time).
 *
 * @example
 * @Get('ready') @HealthCheck()
 * ready() { return this.health.check([() => this.outbox.isHealthy('outbox', { maxOldestPendingAgeMs: 60_000 })]); }
 */
@Injectable()
export class OutboxHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly relay: OutboxRelay,
    private readonly store: OutboxStore,
    @Inject(RESOLVED_OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
  ) {}

  async isHealthy<const Key extends string = 'outbox'>(
    key: Key = 'outbox' as Key,
    thresholds: OutboxHealthThresholds = {},
  ) {
    const indicator = this.health.check(key);
    const relayEnabled = this.options.relay.enabled;
    const relayRunning = this.relay.isRunning();
    const brokerConnected = this.relay.isPublisherReady();
    let stats;
    try {
      stats = await withTimeout(this.store.stats(), thresholds.timeoutMs ?? 1_000);
    } catch (error) {
      return indicator.down({
        relayRunning,
        brokerConnected,
        message: `outbox unreadable: ${(error as Error).message}`,
      });
    }
    const data = {
      relayRunning,
      brokerConnected,
      backlog: stats.pending,
      retrying: stats.retrying,
      dead: stats.dead,
      oldestPendingAgeMs: Math.round(stats.oldestPendingAgeMs),
      scheduled: stats.scheduled,
    };
    const problems: string[] = [];
    if (relayEnabled && !relayRunning) problems.push('relay not running');
    if (relayEnabled && !brokerConnected)
      problems.push('broker not accepting publishes (disconnected or blocked by an alarm)');
    if (
      thresholds.maxOldestPendingAgeMs !== undefined &&
      stats.oldestPendingAgeMs > thresholds.maxOldestPendingAgeMs
    ) {
      problems.push(`oldest pending message is ${data.oldestPendingAgeMs} ms old`);
    }
    if (thresholds.maxDead !== undefined && stats.dead > thresholds.maxDead)
      problems.push(`${stats.dead} dead messages`);
    return problems.length > 0
      ? indicator.down({ ...data, message: problems.join('; ') })
      : indicator.up(data);
  }
}
