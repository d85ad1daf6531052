import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { redactUrlsInText } from '@courier-nest/core/internal';

/**
 * The outbox's own connections, beside the application's pool: the relay's claims,
 * renewals and deletes, the LISTEN, stats. On the application's pool they waited behind
 * the producers' transactions exactly when the backlog grew, and took connections from
 * them. Opened from the DataSource's own pool settings (same credentials, TLS and
 * timeouts), at most `size` at once; closed at shutdown, after the relay stopped.
 */
export class OutboxConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('OutboxConnections');
  readonly pool: Pool;

  constructor(applicationPool: Pool, size: number) {
    const PoolOfTheSameDriver = applicationPool.constructor as new (options: object) => Pool;
    this.pool = new PoolOfTheSameDriver({
      ...(applicationPool as unknown as { options: object }).options,
      max: size,
    });
    // An idle connection that the server closes must not bring the process down.
    this.pool.on('error', (error) =>
      this.logger.warn(`An idle outbox connection failed: ${redactUrlsInText(error.message)}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
