import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { OutboxModuleOptions } from './interfaces/outbox-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableOutboxModule,
  MODULE_OPTIONS_TOKEN: OUTBOX_MODULE_OPTIONS,
  OPTIONS_TYPE: OUTBOX_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: OUTBOX_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OutboxModuleOptions>({ moduleName: 'CourierOutbox' })
  .setClassMethodName('forRoot')
  // Global by default: controllers in any module publish, and @Transactional() resolves.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
