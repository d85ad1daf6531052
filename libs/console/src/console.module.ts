import { Logger, Module, type DynamicModule, type OnApplicationBootstrap, Inject } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { ConsumerDeadController } from './api/consumer-dead.controller';
import { InboxDeadController } from './api/inbox-dead.controller';
import { JourneyController } from './api/journey.controller';
import { OutboxDeadController } from './api/outbox-dead.controller';
import { OverviewController } from './api/overview.controller';
import { SessionController } from './api/session.controller';
import { ConsoleAuthGuard } from './auth/console-auth.guard';
import { ConsoleActionLog } from './console-action.log';
import { CONSOLE_LOG_CONTEXT, RESOLVED_CONSOLE_OPTIONS } from './console.constants';
import {
  CONSOLE_ASYNC_OPTIONS_TYPE,
  CONSOLE_MODULE_OPTIONS,
  CONSOLE_OPTIONS_TYPE,
  ConfigurableConsoleModule,
} from './console.module-definition';
import {
  resolveConsoleOptions,
  resolveConsolePath,
  type ResolvedConsoleOptions,
} from './console-options.resolver';
import type { CourierConsoleOptions } from './interfaces/console-options.interface';
import { PublishOutcomes } from './journey/publish-outcomes';
import { ConsolePage } from './page/console-page';
import { ConsolePageController } from './page/console-page.controller';
import { ConsoleSources } from './sources/console-sources';

/**
 * The operations console (docs/console.md): an HTTP API, a web page and, through the
 * API, the `courier-console` command line. Off unless imported; refuses to start
 * without `auth`.
 *
 * @example
 * CourierConsoleModule.forRoot({ auth: { token: process.env.COURIER_CONSOLE_TOKEN } })
 */
@Module({
  controllers: [
    ConsolePageController,
    SessionController,
    OverviewController,
    OutboxDeadController,
    InboxDeadController,
    ConsumerDeadController,
    JourneyController,
  ],
  providers: [
    {
      provide: RESOLVED_CONSOLE_OPTIONS,
      inject: [CONSOLE_MODULE_OPTIONS],
      useFactory: (options: CourierConsoleOptions) => resolveConsoleOptions(options),
    },
    ConsoleAuthGuard,
    ConsoleSources,
    PublishOutcomes,
    ConsoleActionLog,
    ConsolePage,
  ],
})
export class CourierConsoleModule extends ConfigurableConsoleModule implements OnApplicationBootstrap {
  constructor(@Inject(RESOLVED_CONSOLE_OPTIONS) private readonly options: ResolvedConsoleOptions) {
    super();
  }

  static forRoot(options: typeof CONSOLE_OPTIONS_TYPE): DynamicModule {
    return mounted(super.forRoot(options), options.path);
  }

  static forRootAsync(options: typeof CONSOLE_ASYNC_OPTIONS_TYPE): DynamicModule {
    return mounted(super.forRootAsync(options), options.path);
  }

  onApplicationBootstrap(): void {
    if (this.options.auth.kind === 'disabled') {
      new Logger(CONSOLE_LOG_CONTEXT).warn(
        'The Courier console runs WITHOUT authentication (auth: { disabled: true }): anyone who reaches this ' +
          'service can replay and purge its messages. Configure auth: { token } or { guard } unless a proxy in front authenticates.',
      );
    }
  }
}

/** Mounts the console's routes under `path` (Nest fixes routes before option factories run). */
function mounted(module: DynamicModule, path: string | undefined): DynamicModule {
  const mountPath = resolveConsolePath(path ?? 'courier');
  return {
    ...module,
    imports: [
      ...(module.imports ?? []),
      RouterModule.register([{ path: mountPath, module: CourierConsoleModule }]),
    ],
  };
}
