import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CourierClientProxy } from './client/courier.client-proxy';
import { RESOLVED_MICROSERVICES_OPTIONS } from './courier-microservices.constants';
import {
  ConfigurableCourierMicroservicesModule,
  MICROSERVICES_MODULE_OPTIONS,
  MICROSERVICES_OPTIONS_TYPE,
} from './courier-microservices.module-definition';
import { resolveMicroservicesOptions } from './courier-microservices-options.resolver';
import type { CourierMicroservicesOptions } from './interfaces/courier-microservices-options.interface';
import { CourierErrorInterceptor } from './server/courier-error.interceptor';
import { CourierServer } from './server/courier.server';

/**
 * Courier for `@nestjs/microservices`: provides `CourierServer` (the strategy whose
 * `@EventPattern` handlers run from the inbox) and `CourierClientProxy` (whose `emit` writes
 * to the outbox). Needs InboxModule for the server, OutboxModule for the client, and a
 * transport (CourierRabbitMQModule).
 *
 * @example
 * CourierMicroservicesModule.forRoot({ clientTokens: ['ORDERS_SERVICE'] })
 */
@Module({
  providers: [
    {
      provide: RESOLVED_MICROSERVICES_OPTIONS,
      useFactory: (options: CourierMicroservicesOptions) => resolveMicroservicesOptions(options),
      inject: [MICROSERVICES_MODULE_OPTIONS],
    },
    CourierServer,
    CourierClientProxy,
    // Reaches the microservice when it is connected with { inheritAppConfig: true }.
    { provide: APP_INTERCEPTOR, useClass: CourierErrorInterceptor },
  ],
  exports: [CourierServer, CourierClientProxy],
})
export class CourierMicroservicesModule extends ConfigurableCourierMicroservicesModule {
  /** Validates the options at once, so a bad one fails before the application is built. */
  static override forRoot(options: typeof MICROSERVICES_OPTIONS_TYPE = {}): DynamicModule {
    resolveMicroservicesOptions(options);
    return super.forRoot(options);
  }
}
