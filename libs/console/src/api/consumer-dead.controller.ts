import type { DeadLetter } from '@courier-nest/consumer';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ConsoleAuthGuard } from '../auth/console-auth.guard';
import { principalOf, type ConsoleRequest } from '../auth/request-principal';
import { ConsoleActionLog } from '../console-action.log';
import { RESOLVED_CONSOLE_OPTIONS } from '../console.constants';
import type { ResolvedConsoleOptions } from '../console-options.resolver';
import { ConsoleSources } from '../sources/console-sources';
import type { ConsoleConsumer } from '../sources/console-sources.interface';
import { absent, answering } from './console-errors';
import { consumerDeadQuery, consumerSelection, type ConsumerDeadQuery } from './input/consumer-input';

/**
 * Consumer dead letters, which stay on the broker in the queue's dead-letter queue:
 * peeked at from its head, moved back to their queue, purged.
 */
@Controller('api/consumer/dead')
@UseGuards(ConsoleAuthGuard)
export class ConsumerDeadController {
  constructor(
    @Inject(RESOLVED_CONSOLE_OPTIONS) private readonly options: ResolvedConsoleOptions,
    private readonly sources: ConsoleSources,
    private readonly actions: ConsoleActionLog,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>) {
    const { queue, offset, limit, ...filter } = consumerDeadQuery(query, this.options.maxPageSize);
    const window = await answering(() => this.consumerOf(queue).admin.peekDead(queue, { offset, limit }));
    // A broker queue is read from its head only: the filters narrow the window shown.
    const items = window.items.filter((letter) => matches(letter, filter));
    const end = offset + window.items.length;
    return {
      items,
      total: window.total,
      nextOffset: end < window.total && window.items.length > 0 ? end : null,
    };
  }

  @Post('requeue')
  @HttpCode(200)
  async requeue(@Body() body: unknown, @Req() request: ConsoleRequest) {
    const { queue, which } = consumerSelection(body, false);
    const admin = this.consumerOf(queue).admin;
    const moved = await answering(() =>
      admin.requeueDead(queue, 'items' in which ? { messageIds: which.items } : { all: true }),
    );
    this.actions.record(principalOf(request), `requeue dead letters of queue "${queue}"`, {
      ids: 'items' in which ? which.items : undefined,
      count: moved.length,
    });
    return { requeued: moved.length, messageIds: moved };
  }

  @Post('purge')
  @HttpCode(200)
  async purge(@Body() body: unknown, @Req() request: ConsoleRequest) {
    const { queue, which } = consumerSelection(body, true);
    const admin = this.consumerOf(queue).admin;
    const purged = await answering(() =>
      admin.purgeDead(queue, 'items' in which ? { messageIds: which.items } : { all: true }),
    );
    this.actions.record(principalOf(request), `purge dead letters of queue "${queue}"`, {
      ids: 'items' in which ? which.items : undefined,
      count: purged,
    });
    return { purged };
  }

  private consumerOf(queue: string): ConsoleConsumer {
    const consumer = this.sources.consumer;
    if (!consumer) throw absent('consumer');
    const queues = consumer.queues();
    if (!queues.includes(queue)) {
      throw new NotFoundException(
        `"${queue}" is not a consumer queue of this service; its queues: ${queues.join(', ') || 'none'}.`,
      );
    }
    return consumer;
  }
}

function matches(
  letter: DeadLetter,
  filter: Pick<ConsumerDeadQuery, 'errorContains' | 'deadFrom' | 'deadTo'>,
): boolean {
  const { errorContains, deadFrom, deadTo } = filter;
  if (errorContains && !(letter.reason ?? '').toLowerCase().includes(errorContains.toLowerCase()))
    return false;
  const at = letter.deadLetteredAt?.getTime();
  if (deadFrom && (at === undefined || at < deadFrom.getTime())) return false;
  if (deadTo && (at === undefined || at > deadTo.getTime())) return false;
  return true;
}
