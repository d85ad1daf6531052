import type { Component } from '../cli-command';
import type { DeadInboxRun, DeadLetter, DeadOutboxMessage } from '../http/console-api.types';
import { renderTable, type Column } from './table';
import { shortTime, shortened, terminalSafe } from './terminal-text';

const ERROR_WIDTH = 72;

/** Each list's rows in a table; the id column is what `replay` / `purge` take. */
const COLUMNS = {
  outbox: [
    { header: 'ID', value: (m) => m.id },
    { header: 'DESTINATION', value: (m) => m.destination },
    { header: 'TYPE', value: (m) => m.type },
    { header: 'ATTEMPTS', value: (m) => m.attempts, align: 'right' },
    { header: 'DEAD AT', value: (m) => shortTime(m.deadAt) },
    { header: 'LAST ERROR', value: (m) => shortened(m.lastError, ERROR_WIDTH) },
  ] satisfies Column<DeadOutboxMessage>[],
  inbox: [
    { header: 'RUN (MESSAGE ID/HANDLER KEY)', value: (r) => inboxRunId(r) },
    { header: 'TYPE', value: (r) => r.messageType },
    { header: 'ATTEMPTS', value: (r) => `${r.attempts}/${r.maxAttempts}`, align: 'right' },
    { header: 'DEAD AT', value: (r) => shortTime(r.deadAt) },
    { header: 'LAST ERROR', value: (r) => shortened(r.lastError, ERROR_WIDTH) },
  ] satisfies Column<DeadInboxRun>[],
  consumer: [
    { header: 'MESSAGE ID', value: (l) => l.messageId },
    { header: 'TYPE', value: (l) => l.type },
    { header: 'ATTEMPTS', value: (l) => l.attempts, align: 'right' },
    { header: 'DEAD AT', value: (l) => shortTime(l.deadLetteredAt) },
    { header: 'REASON', value: (l) => shortened(l.reason, ERROR_WIDTH) },
  ] satisfies Column<DeadLetter>[],
};

type Item<C extends Component> = { outbox: DeadOutboxMessage; inbox: DeadInboxRun; consumer: DeadLetter }[C];

/** `dead list`'s table, with each payload below it when asked (`--payload`). */
export function formatDeadList<C extends Component>(
  component: C,
  items: readonly Item<C>[],
  payload: boolean,
): string {
  if (items.length === 0) return '';
  const columns = COLUMNS[component] as unknown as Column<Item<C>>[];
  const table = renderTable(columns, items);
  if (!payload) return table;
  const payloads = items.map(
    (item) => `\n${terminalSafe(idOf(component, item) ?? '-')}:\n  ${terminalSafe(item.payload ?? '')}\n`,
  );
  return `${table}\nPayloads:\n${payloads.join('')}`;
}

/** How each list names an entry, as the replay and purge commands take it. */
export function idOf(
  component: Component,
  item: DeadOutboxMessage | DeadInboxRun | DeadLetter,
): string | null {
  if (component === 'outbox') return (item as DeadOutboxMessage).id;
  if (component === 'inbox') return inboxRunId(item as DeadInboxRun);
  return (item as DeadLetter).messageId;
}

function inboxRunId(run: DeadInboxRun): string {
  return `${run.messageId}/${run.handlerKey}`;
}
