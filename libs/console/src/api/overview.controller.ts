import { Controller, Get, UseGuards } from '@nestjs/common';
import { ConsoleAuthGuard } from '../auth/console-auth.guard';
import { ConsoleSources } from '../sources/console-sources';

/** Backlog and dead counts of every part of Courier this service has. */
@Controller('api/overview')
@UseGuards(ConsoleAuthGuard)
export class OverviewController {
  constructor(private readonly sources: ConsoleSources) {}

  @Get()
  async overview() {
    const { outbox, inbox, consumer } = this.sources;
    const [destinations, handlers, queues] = await Promise.all([
      outbox?.destinationStats(),
      inbox?.handlerStats(),
      consumer ? Promise.all(consumer.queues().map((queue) => this.queueStats(queue))) : undefined,
    ]);
    return {
      at: new Date(),
      outbox: destinations ? { destinations } : null,
      inbox: handlers ? { handlers } : null,
      consumer: queues ? { queues } : null,
    };
  }

  /** One queue's figures; a broker that cannot answer for one queue does not hide the others. */
  private async queueStats(queue: string) {
    try {
      return await this.sources.consumer!.admin.stats(queue);
    } catch (error) {
      return { queue, error: (error as Error).message };
    }
  }
}
