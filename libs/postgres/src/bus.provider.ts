import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { applySchemaChainIn, checkSchemaVersionWith, redactUrlsInText } from '@courier-nest/core/internal';
import { busSchemaChain } from './migrations/bus-schema.chain';
import { PostgresBus } from './postgres-bus';
import { RESOLVED_POSTGRES_OPTIONS, type ResolvedPostgresOptions } from './postgres-options.resolver';

/**
 * The bus of `CourierPostgresModule`: its own pool on the bus database, the schema
 * applied (`migrationsRun`) or checked before anything uses it, and everything closed
 * when the application shuts down.
 */
@Injectable()
export class PostgresBusProvider implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PostgresBus');
  readonly bus: PostgresBus;

  constructor(@Inject(RESOLVED_POSTGRES_OPTIONS) private readonly options: ResolvedPostgresOptions) {
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize,
      application_name: `courier-bus:${process.env.npm_package_name ?? 'service'}`.slice(0, 63),
    });
    // An idle connection the server ended (restart, failover): the pool drops it and makes another.
    pool.on('error', (error) => this.logger.warn(`Bus connection lost: ${redactUrlsInText(error.message)}`));
    this.bus = new PostgresBus(pool, options.schema, this.logger);
  }

  async onModuleInit(): Promise<void> {
    const { schema } = this.options;
    if (this.options.migrationsRun) {
      const applied = await applySchemaChainIn((work) => this.transaction(work), busSchemaChain, schema);
      if (applied.from !== applied.to) {
        this.logger.log(
          `Bus tables in schema "${schema}" migrated from version ${applied.from} to ${applied.to}`,
        );
      }
    }
    await checkSchemaVersionWith(
      async (sql, values) => (await this.bus.pool.query(sql, values)).rows,
      busSchemaChain,
      schema,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.bus.pool.end();
  }

  private async transaction<T>(
    work: (query: (sql: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>) => Promise<T>,
  ): Promise<T> {
    const client = await this.bus.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(async (sql, values) => (await client.query(sql, values)).rows);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
