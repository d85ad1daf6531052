import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { DeadInboxEntry, InboxHandlerRun } from '@courier-nest/inbox';
import { ConsoleAuthGuard } from '../auth/console-auth.guard';
import { principalOf, type ConsoleRequest } from '../auth/request-principal';
import { ConsoleActionLog } from '../console-action.log';
import { RESOLVED_CONSOLE_OPTIONS } from '../console.constants';
import type { ResolvedConsoleOptions } from '../console-options.resolver';
import { traceIdOf } from '../journey/trace-id';
import { ConsoleSources } from '../sources/console-sources';
import type { ConsoleInbox } from '../sources/console-sources.interface';
import { applySelection } from './apply-selection';
import { absent, answering } from './console-errors';
import { inboxDeadQuery, inboxSelection } from './input/inbox-input';

/** Dead inbox handler runs: list, replay, purge. */
@Controller('api/inbox/dead')
@UseGuards(ConsoleAuthGuard)
export class InboxDeadController {
  constructor(
    @Inject(RESOLVED_CONSOLE_OPTIONS) private readonly options: ResolvedConsoleOptions,
    private readonly sources: ConsoleSources,
    private readonly actions: ConsoleActionLog,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>) {
    const page = await answering(() =>
      this.inbox().pageDead(inboxDeadQuery(query, this.options.maxPageSize)),
    );
    return { items: page.items.map(toApi), nextCursor: page.nextCursor };
  }

  @Post('replay')
  @HttpCode(200)
  async replay(@Body() body: unknown, @Req() request: ConsoleRequest) {
    const inbox = this.inbox();
    const { count, done } = await applySelection(
      inboxSelection(body, false),
      {
        listed: (runs) => inbox.replayMany(runs),
        matching: (filter) => inbox.replayMatching(filter),
        nameOf: runName,
      },
      this.actions.recorder(principalOf(request), 'replay dead inbox handler runs'),
    );
    return done ? { replayed: count, runs: done } : { replayed: count };
  }

  @Post('purge')
  @HttpCode(200)
  async purge(@Body() body: unknown, @Req() request: ConsoleRequest) {
    const inbox = this.inbox();
    const { count, done } = await applySelection(
      inboxSelection(body, true),
      {
        listed: (runs) => inbox.purgeDead(runs),
        matching: (filter) => inbox.purgeDeadMatching(filter),
        nameOf: runName,
      },
      this.actions.recorder(principalOf(request), 'purge dead inbox handler runs'),
    );
    return done ? { purged: count, runs: done } : { purged: count };
  }

  private inbox(): ConsoleInbox {
    if (!this.sources.inbox) throw absent('inbox');
    return this.sources.inbox;
  }
}

function runName(run: InboxHandlerRun): string {
  return `${run.messageId}/${run.handlerKey}`;
}

function toApi(entry: DeadInboxEntry) {
  return { ...entry, traceId: traceIdOf(entry.headers?.traceparent) };
}
