import type { HealthIndicatorResult } from '@nestjs/terminus';

/**
 * The transport's part of `/health/ready`, whichever the service runs on: its
 * connection (RabbitMQ, or the bus database) and the inbox's consumers.
 */
export abstract class TransportHealth {
  abstract isHealthy(): HealthIndicatorResult | Promise<HealthIndicatorResult>;
  /** The inbox's consumers attached vs event types to consume. */
  abstract consumers(): { attached: number; expected: number };
}
