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
import { applySelection } from './apply-selection';
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
    const outbox = this.outbox();
    const { count, done } = await applySelection(
      outboxSelection(body, false),
      { listed: (ids) => outbox.requeueDead(ids), matching: (filter) => outbox.requeueDeadMatching(filter) },
      this.actions.recorder(principalOf(request), 'requeue dead outbox messages'),
    );
    return done ? { requeued: count, ids: done } : { requeued: count };
  }

  @Post('purge')
  @HttpCode(200)
  async purge(@Body() body: unknown, @Req() request: ConsoleRequest) {
    const outbox = this.outbox();
    const { count, done } = await applySelection(
      outboxSelection(body, true),
      { listed: (ids) => outbox.purgeDead(ids), matching: (filter) => outbox.purgeDeadMatching(filter) },
      this.actions.recorder(principalOf(request), 'purge dead outbox messages'),
    );
    return done ? { purged: count, ids: done } : { purged: count };
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
