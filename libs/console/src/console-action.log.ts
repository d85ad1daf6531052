import { Injectable, Logger } from '@nestjs/common';
import { CONSOLE_LOG_CONTEXT } from './console.constants';

const MAX_LISTED = 20;

/** What an action applied to: the entries selected, or the filter, and how many it changed. */
export interface ActionTarget {
  ids?: readonly string[];
  filter?: object;
  count: number;
}

/** One log line per console action: what was done, to what, by whom. */
@Injectable()
export class ConsoleActionLog {
  private readonly logger = new Logger(CONSOLE_LOG_CONTEXT);

  record(principal: string, action: string, target: ActionTarget): void {
    const what = target.ids
      ? `${target.count} of ${target.ids.length} selected [${listed(target.ids)}]`
      : `${target.count} matching ${JSON.stringify(target.filter ?? {})}`;
    this.logger.log(`${action}: ${what} by ${JSON.stringify(principal)}`);
  }

  /** `record` for one action of one principal, to call once the action is done. */
  recorder(principal: string, action: string): (target: ActionTarget) => void {
    return (target) => this.record(principal, action, target);
  }
}

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, MAX_LISTED).join(', ');
  return ids.length > MAX_LISTED ? `${shown}, and ${ids.length - MAX_LISTED} more` : shown;
}
