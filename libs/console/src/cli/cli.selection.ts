import type { Component, ListQuery } from './cli-command';
import type { OptionName, OptionValues } from './cli.options';
import { inboxRun, messageId, outboxId, time, wholeNumber } from './cli.values';
import { CliUsageError } from './errors';

/** The API's filter names for each component's options. */
const FILTERS: Record<Component, Partial<Record<OptionName, string>>> = {
  outbox: { destination: 'destination', type: 'type', error: 'error', from: 'from', to: 'to' },
  inbox: { 'event-type': 'eventType', 'handler-key': 'handlerKey', error: 'error', from: 'from', to: 'to' },
  consumer: { error: 'error' },
};
const MAX_SELECTED = 1_000; // the API's bound on one call's list

/** The query of `dead list <component>`: its filters and its page. */
export function listQuery(component: Component, values: OptionValues): ListQuery {
  const query: Record<string, string | number | undefined> = filterOf(component, values);
  if (values.limit !== undefined) query.limit = wholeNumber('--limit', values.limit, 1, 100_000);
  if (component === 'consumer') {
    if (values.queue === undefined) throw new CliUsageError('"dead list consumer" needs --queue <queue>.');
    query.queue = values.queue;
    if (values.offset !== undefined) query.offset = wholeNumber('--offset', values.offset, 0, 1_000_000_000);
  } else if (values.cursor !== undefined) {
    if (values.cursor === '')
      throw new CliUsageError('--cursor is empty: pass the nextCursor a list printed.');
    query.cursor = values.cursor;
  }
  return query;
}

/**
 * The body of a replay or purge: the entries named on the command line, or `--all` with the
 * filters. Exactly one of the two: a filter without --all would be ignored by a list, and a
 * list with --all is a typo waiting to replay everything.
 */
export function selection(
  action: 'replay' | 'purge',
  component: Component,
  ids: readonly string[],
  values: OptionValues,
): { body: Record<string, unknown>; named: readonly string[] } {
  const command = `${action} ${component}`;
  const filter = filterOf(component, values);
  const queue = component === 'consumer' ? { queue: requiredQueue(command, values.queue) } : {};
  if (values.all) {
    if (ids.length > 0) throw new CliUsageError(`"${command}" takes ids or --all, not both.`);
    const filtered =
      Object.keys(filter).length > 0 ? { filter } : component === 'consumer' ? {} : { filter: {} };
    return { body: { ...queue, all: true, ...filtered }, named: [] };
  }
  if (Object.keys(filter).length > 0) {
    throw new CliUsageError(
      `"${command}": filters select entries only with --all; to name entries, give their ids.`,
    );
  }
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new CliUsageError(`"${command}" needs the ids to ${action}, or --all.`);
  if (unique.length > MAX_SELECTED) {
    throw new CliUsageError(`"${command}" takes at most ${MAX_SELECTED} ids at once; got ${unique.length}.`);
  }
  if (component === 'outbox') {
    const idList = [...new Set(unique.map(outboxId))];
    return { body: { ids: idList }, named: idList };
  }
  if (component === 'inbox') return { body: { runs: unique.map(inboxRun) }, named: unique };
  return { body: { ...queue, messageIds: unique.map((id) => messageId(id)) }, named: unique };
}

function filterOf(component: Component, values: OptionValues): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [option, field] of Object.entries(FILTERS[component]) as [OptionName, string][]) {
    const value = values[option];
    if (typeof value !== 'string') continue;
    filter[field] = option === 'from' || option === 'to' ? time(`--${option}`, value) : value;
  }
  return filter;
}

function requiredQueue(command: string, queue: string | undefined): string {
  if (queue === undefined || queue === '') throw new CliUsageError(`"${command}" needs --queue <queue>.`);
  return queue;
}
