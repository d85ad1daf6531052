import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InboxHealthIndicator } from '@courier-nest/inbox';
import { OutboxHealthIndicator } from '@courier-nest/outbox';
import { ReadinessState } from './readiness.state';
import { TransportHealth } from './transport-health';

/**
 * `/health/live`: the process answers (restart it if not). `/health/ready`: it can do
 * its work — database, transport, outbox lag, inbox consumers, backlog and dead entries.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly transport: TransportHealth,
    private readonly outbox: OutboxHealthIndicator,
    private readonly inbox: InboxHealthIndicator,
    private readonly readiness: ReadinessState,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    if (this.readiness.isShuttingDown) {
      throw new ServiceUnavailableException({ status: 'error', error: { shutdown: { status: 'down' } } });
    }
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1_000 }),
      () => this.transport.isHealthy(),
      () => this.outbox.isHealthy('outbox', { maxOldestPendingAgeMs: 60_000 }),
      () =>
        this.inbox.isHealthy('inbox', {
          maxOldestDueAgeMs: 60_000,
          consumers: () => this.transport.consumers(),
        }),
    ]);
  }
}
