import type { Component } from '../cli-command';

/** What each dead list holds, singular and plural: "1 dead letter", "3 dead outbox messages". */
export const DEAD_NOUN: Record<Component, readonly [string, string]> = {
  outbox: ['dead outbox message', 'dead outbox messages'],
  inbox: ['dead inbox handler run', 'dead inbox handler runs'],
  consumer: ['dead letter', 'dead letters'],
};
