import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { RESOLVED_INBOX_OPTIONS } from '../inbox.constants';
import type { ResolvedInboxOptions } from '../inbox-options.resolver';
import { InboxStore } from '../inbox.store';

const SWEEP_BATCH = 1_000;

/**
 * Removes messages older than the retention window whose handlers are all done (the
 * seed's erase interval and window days). A dead or unfinished handler keeps its
 * message until it is replayed or purged.
 */
@Injectable()
export class InboxRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InboxRetention');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    private readonly store: InboxStore,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.options.retention.eraseIntervalMs;
    if (interval > 0)
      this.timer = setInterval(
        () => void this.sweep().catch((e: Error) => this.logger.warn(e.message)),
        interval,
      );
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep now; returns how many messages it removed. */
  async sweep(windowMs = this.options.retention.windowMs): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.store.sweep(windowMs, SWEEP_BATCH);
      total += removed;
      if (removed < SWEEP_BATCH) return total;
    }
  }
}
