import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CourierPostgresOptions } from './interfaces';

export const {
  ConfigurableModuleClass: ConfigurablePostgresModule,
  MODULE_OPTIONS_TOKEN: POSTGRES_MODULE_OPTIONS,
  OPTIONS_TYPE: POSTGRES_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: POSTGRES_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CourierPostgresOptions>({ moduleName: 'CourierPostgres' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
