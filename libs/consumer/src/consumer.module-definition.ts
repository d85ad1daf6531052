import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ConsumerModuleOptions } from './interfaces/consumer-module-options.interface';

export const RESOLVED_CONSUMER_MODULE_OPTIONS = Symbol('courier:consumer-module-options');

export const {
  ConfigurableModuleClass: ConfigurableConsumerModule,
  MODULE_OPTIONS_TOKEN: CONSUMER_MODULE_OPTIONS,
  OPTIONS_TYPE: CONSUMER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CONSUMER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ConsumerModuleOptions>({ moduleName: 'CourierConsumer' })
  .setClassMethodName('forRoot')
  .setExtras<{ isGlobal: boolean }>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
