import type { Logger } from '@nestjs/common';
import { MessageLogContext } from '@courier-nest/core';
import type { ResolvedInboxOptions } from '../inbox-options.resolver';
import type { InboxMetrics } from '../metrics/inbox.metrics';
import { handlerLogFields } from './handler-log-fields';

/** A handler run that ended failed or dead, as the callbacks get it. */
export interface FailedRun {
  messageId: string;
  eventType: string;
  handlerKey: string;
  attempts: number;
  error: string;
  headers?: Record<string, string>;
}

/**
 * Tells the world about runs that did not end done: the `onError` / `onDead`
 * callbacks, the dead counter and the error log, in the message's log fields so the
 * user's own lines there carry them. A callback that throws is logged, never rethrown:
 * the run is settled already.
 */
export class RunReporter {
  constructor(
    private readonly options: Pick<ResolvedInboxOptions, 'onError' | 'onDead'>,
    private readonly metrics: Pick<InboxMetrics, 'dead'>,
    private readonly logger: Pick<Logger, 'error' | 'warn'>,
  ) {}

  async failed(run: FailedRun, dead: boolean): Promise<void> {
    const info = {
      messageId: run.messageId,
      eventType: run.eventType,
      handlerKey: run.handlerKey,
      attempts: run.attempts,
      error: run.error,
    };
    await MessageLogContext.run(
      handlerLogFields(run.messageId, run.eventType, run.handlerKey, run.headers),
      async () => {
        await this.callback('onError', info, () => this.options.onError?.({ ...info, dead }));
        if (!dead) return;
        this.metrics.dead(run.handlerKey);
        this.logger.error(
          `"${run.handlerKey}" is dead for message ${run.messageId} after ${run.attempts} attempts: ${run.error}`,
        );
        await this.callback('onDead', info, () => this.options.onDead?.(info));
      },
    );
  }

  private async callback(
    name: string,
    about: { messageId: string; handlerKey: string },
    call: () => unknown,
  ): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.logger.warn(
        `${name} callback threw for message ${about.messageId} ("${about.handlerKey}"): ${(error as Error).message}`,
      );
    }
  }
}
