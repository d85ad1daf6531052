import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CourierRabbitMQOptions } from './interfaces';

export const {
  ConfigurableModuleClass: ConfigurableRabbitMQModule,
  MODULE_OPTIONS_TOKEN: RABBITMQ_MODULE_OPTIONS,
  OPTIONS_TYPE: RABBITMQ_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: RABBITMQ_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CourierRabbitMQOptions>({ moduleName: 'CourierRabbitMQ' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
