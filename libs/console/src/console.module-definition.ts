import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CourierConsoleExtras, CourierConsoleOptions } from './interfaces/console-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableConsoleModule,
  MODULE_OPTIONS_TOKEN: CONSOLE_MODULE_OPTIONS,
  OPTIONS_TYPE: CONSOLE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CONSOLE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CourierConsoleOptions>({ moduleName: 'CourierConsole' })
  .setClassMethodName('forRoot')
  .setExtras<CourierConsoleExtras>({ path: 'courier' }, (definition) => definition)
  .build();
