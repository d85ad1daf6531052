import { Controller, Get, Header, Inject, Req, UseGuards } from '@nestjs/common';
import { ConsoleAuthGuard } from '../auth/console-auth.guard';
import { csrfTokenFor } from '../auth/csrf-token';
import { principalOf, type ConsoleRequest } from '../auth/request-principal';
import { RESOLVED_CONSOLE_OPTIONS } from '../console.constants';
import type { ResolvedConsoleOptions } from '../console-options.resolver';
import { ConsoleSources } from '../sources/console-sources';

/** Who is signed in, the CSRF token for actions, and what this service has. */
@Controller('api/session')
@UseGuards(ConsoleAuthGuard)
export class SessionController {
  constructor(
    @Inject(RESOLVED_CONSOLE_OPTIONS) private readonly options: ResolvedConsoleOptions,
    private readonly sources: ConsoleSources,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  session(@Req() request: ConsoleRequest) {
    const principal = principalOf(request);
    return {
      principal,
      csrfToken: csrfTokenFor(this.options.csrfSecret, principal),
      components: {
        outbox: this.sources.outbox !== null,
        inbox: this.sources.inbox !== null,
        consumer: this.sources.consumer !== null,
      },
      refreshIntervalMs: this.options.refreshIntervalMs,
    };
  }
}
