import { Injectable, Logger } from '@nestjs/common';
import { CONSOLE_LOG_CONTEXT } from './console.constants';

const MAX_LISTED = 20;

/** One log line per console action: what was done, to what, by whom. */
@Injectable()
export class ConsoleActionLog {
  private readonly logger = new Logger(CONSOLE_LOG_CONTEXT);

  record(
    principal: string,
    action: string,
    target: { ids?: readonly string[]; filter?: object; count: number },
  ): void {
    const what = target.ids
      ? `${target.count} of ${target.ids.length} selected [${listed(target.ids)}]`
      : `${target.count} matching ${JSON.stringify(target.filter ?? {})}`;
    this.logger.log(`${action}: ${what} by ${JSON.stringify(principal)}`);
  }
}

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, MAX_LISTED).join(', ');
  return ids.length > MAX_LISTED ? `${shown}, and ${ids.length - MAX_LISTED} more` : shown;
}
