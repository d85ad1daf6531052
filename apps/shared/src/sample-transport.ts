import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  CourierPostgresModule,
  PostgresBusHealthIndicator,
  PostgresInboxBridge,
} from '@courier-nest/postgres';
import { CourierRabbitMQModule, RabbitMQHealthIndicator, RabbitMQInboxBridge } from '@courier-nest/rabbitmq';
import { TransportHealth } from './operations/transport-health';
import type { SampleEnvironment, SampleTransport } from './sample-environment';

type Config = ConfigService<SampleEnvironment, true>;

/**
 * The transport, from COURIER_TRANSPORT: the one module a service changes to move
 * between RabbitMQ and PostgreSQL. No handler, publish or consumer changes with it.
 */
export function sampleTransportModules(transport: SampleTransport): DynamicModule[] {
  return transport === 'postgres'
    ? [postgresTransport(), PostgresHealth.module()]
    : [rabbitMQTransport(), RabbitMQHealth.module()];
}

/** COURIER_TRANSPORT as the process was started with it; the configuration's validation names a bad value. */
export function chosenTransport(environment: NodeJS.ProcessEnv = process.env): SampleTransport {
  return environment.COURIER_TRANSPORT === 'postgres' ? 'postgres' : 'rabbitmq';
}

function rabbitMQTransport(): DynamicModule {
  return CourierRabbitMQModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: Config) => ({
      uri: config.get('AMQP_URL', { infer: true }),
      connectionName: config.get('SERVICE_NAME', { infer: true }),
    }),
  });
}

function postgresTransport(): DynamicModule {
  return CourierPostgresModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: Config) => ({
      url: config.get('BUS_DATABASE_URL', { infer: true }) ?? config.get('DATABASE_URL', { infer: true }),
      schema: config.get('COURIER_BUS_SCHEMA', { infer: true }),
    }),
  });
}

@Global()
@Module({})
class RabbitMQHealth {
  static module(): DynamicModule {
    return {
      module: RabbitMQHealth,
      providers: [
        {
          provide: TransportHealth,
          useFactory: (indicator: RabbitMQHealthIndicator, bridge: RabbitMQInboxBridge): TransportHealth => ({
            isHealthy: () => indicator.isHealthy('rabbitmq'),
            consumers: () => bridge.consumers(),
          }),
          inject: [RabbitMQHealthIndicator, RabbitMQInboxBridge],
        },
      ],
      exports: [TransportHealth],
    };
  }
}

@Global()
@Module({})
class PostgresHealth {
  static module(): DynamicModule {
    return {
      module: PostgresHealth,
      providers: [
        {
          provide: TransportHealth,
          useFactory: (
            indicator: PostgresBusHealthIndicator,
            bridge: PostgresInboxBridge,
          ): TransportHealth => ({
            isHealthy: () => indicator.isHealthy('bus'),
            consumers: () => bridge.consumers(),
          }),
          inject: [PostgresBusHealthIndicator, PostgresInboxBridge],
        },
      ],
      exports: [TransportHealth],
    };
  }
}
