import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ConsoleAuthGuard } from '../auth/console-auth.guard';
import { messageJourney } from '../journey/message-journey';
import { PublishOutcomes } from '../journey/publish-outcomes';
import { ConsoleSources } from '../sources/console-sources';
import { messageId } from './input/input-fields';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A message's journey through this service, by id. */
@Controller('api/messages')
@UseGuards(ConsoleAuthGuard)
export class JourneyController {
  constructor(
    private readonly sources: ConsoleSources,
    private readonly outcomes: PublishOutcomes,
  ) {}

  @Get(':id')
  async journey(@Param('id') rawId: string) {
    const id = messageId('id', rawId);
    const { outbox, inbox } = this.sources;
    // Outbox ids are UUIDs; an inbox id is whatever the sender chose.
    const [outboxRow, inboxRow] = await Promise.all([
      outbox && UUID.test(id) ? outbox.findMessage(id.toLowerCase()) : null,
      inbox ? inbox.findMessage(id) : null,
    ]);
    const published = this.outcomes.of(id.toLowerCase()) ?? this.outcomes.of(id);
    if (!outboxRow && !inboxRow && !published) {
      throw new NotFoundException(
        `This service knows no message "${id}": not in its outbox or inbox, and not among the last outcomes its relay kept.`,
      );
    }
    return messageJourney(id, outboxRow, published, inboxRow);
  }
}
