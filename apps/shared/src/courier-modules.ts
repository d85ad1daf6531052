import type { Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsumerModule } from '@courier-nest/consumer';
import { InboxModule } from '@courier-nest/inbox';
import { OutboxModule } from '@courier-nest/outbox';
import type { SampleEnvironment } from './sample-environment';
import { chosenTransport, sampleTransportModules } from './sample-transport';

type Config = ConfigService<SampleEnvironment, true>;

/**
 * What a service imports to use Courier, configured from the environment: TypeORM on
 * PostgreSQL, the transport (RabbitMQ, or PostgreSQL alone: COURIER_TRANSPORT), the
 * outbox and the inbox, sharing one schema per service.
 * `migrationsRun` creates Courier's tables at startup (for the sample; a DBA can apply
 * the documented SQL instead) and `synchronize` the sample's own entities.
 */
export function courierModules(entities: Type[]) {
  return [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: Config) => ({
        type: 'postgres' as const,
        url: config.get('DATABASE_URL', { infer: true }),
        entities,
        synchronize: true,
        extra: { max: 10 },
      }),
    }),
    ...sampleTransportModules(chosenTransport()),
    OutboxModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: Config) => ({
        schema: config.get('COURIER_SCHEMA', { infer: true }),
        serviceName: config.get('SERVICE_NAME', { infer: true }),
        migrationsRun: true,
        relay: { pollIntervalMs: 1_000 },
      }),
    }),
    // No @ConsumeQueue here: imported for its metrics, which the inbox's queues report too.
    ConsumerModule.forRoot(),
    InboxModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: Config) => ({
        schema: config.get('COURIER_SCHEMA', { infer: true }),
        serviceName: config.get('SERVICE_NAME', { infer: true }),
        migrationsRun: true,
        dispatcher: { pollIntervalMs: 1_000 },
      }),
    }),
  ];
}
