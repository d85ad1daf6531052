import type { InjectionToken } from '@nestjs/common';
import { InvalidOptionError } from '@courier-nest/core';
import type { CourierGolevelupOptions } from './interfaces/golevelup-options.interface';

export interface ResolvedGolevelupOptions {
  outbox: boolean;
  inbox: boolean;
  confirmTimeoutMs: number;
  /** Undefined: golevelup's `AmqpConnection` class, looked up at bootstrap. */
  connection: InjectionToken | undefined;
}

/** Defaults and checks, once, where the options enter. */
export function resolveGolevelupOptions(options: CourierGolevelupOptions = {}): ResolvedGolevelupOptions {
  for (const flag of ['outbox', 'inbox'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new InvalidOptionError(
        flag,
        `Option "${flag}" must be true or false; got ${JSON.stringify(options[flag])}.`,
      );
    }
  }
  const outbox = options.outbox ?? true;
  const inbox = options.inbox ?? true;
  if (!outbox && !inbox) {
    throw new InvalidOptionError(
      'outbox',
      'CourierGolevelupModule with outbox: false and inbox: false does nothing; enable at least one, or do not import it.',
    );
  }
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  if (!Number.isInteger(confirmTimeoutMs) || confirmTimeoutMs < 10) {
    throw new InvalidOptionError(
      'confirmTimeoutMs',
      `Option "confirmTimeoutMs" must be an integer >= 10; got ${confirmTimeoutMs}.`,
    );
  }
  return { outbox, inbox, confirmTimeoutMs, connection: options.connection };
}
