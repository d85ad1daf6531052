import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { DeadOutboxEntry } from '@courier-nest/outbox';
import { ConsoleAuthGuard } from '../auth/console-auth.guard';
import { principalOf, type ConsoleRequest } from '../auth/request-principal';
import { ConsoleActionLog } from '../console-action.log';
import { RESOLVED_CONSOLE_OPTIONS } from '../console.constants';
import type { ResolvedConsoleOptions } from '../console-options.resolver';
import { traceIdOf } from '../journey/trace-id';
import { ConsoleSources } from '../sources/console-sources';
import type { ConsoleOutbox } from '../sources/console-sources.interface';
import { absent, answering } from './console-errors';
import { outboxDeadQuery, outboxSelection } from './input/outbox-input';

/** Dead outbox messages: list, requeue, purge. */
@Controller('api/outbox/dead')
@UseGuards(ConsoleAuthGuard)
export class OutboxDeadController {
  constructor(
    @Inject(RESOLVED_CONSOLE_OPTIONS) private readonly options: ResolvedConsoleOptions,
    private readonly sources: ConsoleSources,
    private readonly actions: ConsoleActionLog,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>) {
    const page = await answering(() =>
      this.outbox().pageDead(outboxDeadQuery(query, this.options.maxPageSize)),
    );
    return { items: page.items.map(toApi), nextCursor: page.nextCursor };
  }

  @Post('requeue')
  @HttpCode(200)
  async requeue(@Body() body: unknown, @Req() request: ConsoleRequest) {
    const selection = outboxSelection(body, false);
    const outbox = this.outbox();
    if ('items' in selection) {
      const ids = await outbox.requeueDead(selection.items);
      this.actions.record(principalOf(request), 'requeue dead outbox messages', {
        ids: selection.items,
        count: ids.length,
      });
      return { requeued: ids.length, ids };
    }
    const requeued = await outbox.requeueDeadMatching(selection.filter);
    this.actions.record(principalOf(request), 'requeue dead outbox messages', {
      filter: selection.filter,
      count: requeued,
    });
    return { requeued };
  }

  @Post('purge')
  @HttpCode(200)
  async purge(@Body() body: unknown, @Req() request: ConsoleRequest) {
    const selection = outboxSelection(body, true);
    const outbox = this.outbox();
    if ('items' in selection) {
      const ids = await outbox.purgeDead(selection.items);
      this.actions.record(principalOf(request), 'purge dead outbox messages', {
        ids: selection.items,
        count: ids.length,
      });
      return { purged: ids.length, ids };
    }
    const purged = await outbox.purgeDeadMatching(selection.filter);
    this.actions.record(principalOf(request), 'purge dead outbox messages', {
      filter: selection.filter,
      count: purged,
    });
    return { purged };
  }

  private outbox(): ConsoleOutbox {
    if (!this.sources.outbox) throw absent('outbox');
    return this.sources.outbox;
  }
}

function toApi(entry: DeadOutboxEntry) {
  const { traceparent, tracestate, ...rest } = entry;
  return { ...rest, traceId: traceIdOf(traceparent), traceparent, tracestate };
}
