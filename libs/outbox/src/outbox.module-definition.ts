import { ConfigurableModuleBuilder } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { OUTBOX_DATA_SOURCE } from './outbox.constants';
import type { OutboxModuleOptions } from './interfaces/outbox-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableOutboxModule,
  MODULE_OPTIONS_TOKEN: OUTBOX_MODULE_OPTIONS,
  OPTIONS_TYPE: OUTBOX_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: OUTBOX_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OutboxModuleOptions>({ moduleName: 'CourierOutbox' })
  .setClassMethodName('forRoot')
  // Global by default: providers in any module publish, and TransactionalInterceptor resolves.
  // `dataSource` is an extra, not an option, because the DataSource must be injected by
  // token at module definition time (also with forRootAsync).
  .setExtras<{ isGlobal: boolean; dataSource?: string }>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: [
      ...(definition.providers ?? []),
      { provide: OUTBOX_DATA_SOURCE, useExisting: getDataSourceToken(extras.dataSource) },
    ],
  }))
  .build();
