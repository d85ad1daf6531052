import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { raceDeadline, redactUrlsInText } from '@courier-nest/core/internal';
import { PostgresBusProvider } from '../bus.provider';

const PING_TIMEOUT_MS = 1_000;

/** Terminus indicator: up while the bus database answers and its LISTEN connection is open. */
@Injectable()
export class PostgresBusHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly provider: PostgresBusProvider,
  ) {}

  async isHealthy<const Key extends string = 'bus'>(key: Key = 'bus' as Key) {
    const indicator = this.health.check(key);
    const { bus } = this.provider;
    try {
      const answered = await raceDeadline(bus.pool.query('SELECT 1'), PING_TIMEOUT_MS);
      if (answered.timedOut)
        return indicator.down({ message: `the bus database did not answer within ${PING_TIMEOUT_MS} ms` });
    } catch (error) {
      return indicator.down({
        message: `the bus database is not reachable: ${redactUrlsInText((error as Error).message)}`,
      });
    }
    return bus.notifications.isListening()
      ? indicator.up({ listening: true })
      : indicator.up({ listening: false, message: 'LISTEN reconnecting: consumers poll meanwhile' });
  }
}
