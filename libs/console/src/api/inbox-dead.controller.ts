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
    const selection = inboxSelection(body, false);
    const inbox = this.inbox();
    if ('items' in selection) {
      const runs = await inbox.replayMany(selection.items);
      this.actions.record(principalOf(request), 'replay dead inbox handler runs', {
        ids: selection.items.map(runName),
        count: runs.length,
      });
      return { replayed: runs.length, runs };
    }
    const replayed = await inbox.replayMatching(selection.filter);
    this.actions.record(principalOf(request), 'replay dead inbox handler runs', {
      filter: selection.filter,
      count: replayed,
    });
    return { replayed };
  }

  @Post('purge')
  @HttpCode(200)
  async purge(@Body() body: unknown, @Req() request: ConsoleRequest) {
    const selection = inboxSelection(body, true);
    const inbox = this.inbox();
    if ('items' in selection) {
      const runs = await inbox.purgeDead(selection.items);
      this.actions.record(principalOf(request), 'purge dead inbox handler runs', {
        ids: selection.items.map(runName),
        count: runs.length,
      });
      return { purged: runs.length, runs };
    }
    const purged = await inbox.purgeDeadMatching(selection.filter);
    this.actions.record(principalOf(request), 'purge dead inbox handler runs', {
      filter: selection.filter,
      count: purged,
    });
    return { purged };
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
