import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CourierMicroservicesOptions } from './interfaces/courier-microservices-options.interface';
import { CourierClientProxy } from './client/courier.client-proxy';

export interface CourierMicroservicesExtras {
  /** @default true */
  isGlobal: boolean;
  /**
   * Tokens that also resolve to the `CourierClientProxy`, so that code written against
   * `ClientsModule` (`@Inject('ORDERS_SERVICE') client: ClientProxy`) keeps its injection.
   * @default []
   */
  clientTokens: Array<string | symbol>;
}

export const {
  ConfigurableModuleClass: ConfigurableCourierMicroservicesModule,
  MODULE_OPTIONS_TOKEN: MICROSERVICES_MODULE_OPTIONS,
  OPTIONS_TYPE: MICROSERVICES_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: MICROSERVICES_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CourierMicroservicesOptions>({ moduleName: 'CourierMicroservices' })
  .setClassMethodName('forRoot')
  .setExtras<CourierMicroservicesExtras>({ isGlobal: true, clientTokens: [] }, (definition, extras) => {
    const aliases = (extras.clientTokens ?? []).map((token) => ({
      provide: token,
      useExisting: CourierClientProxy,
    }));
    return {
      ...definition,
      global: extras.isGlobal,
      providers: [...(definition.providers ?? []), ...aliases],
      exports: [...(definition.exports ?? []), ...aliases.map((alias) => alias.provide)],
    };
  })
  .build();
