// Courier console page: the dead lists, their actions, the refresh and the wiring.
// Plain ES modules, no framework, no build step. Everything the server sends is shown as text
// (see console-dom.js): payloads and error messages are data written by whoever sent the message.
import { api, loadSession, session } from './console-api.js';
import { KINDS } from './console-kinds.js';
import { byTestId, count, el, pretty, say, time } from './console-dom.js';
import { renderOverview, showJourney } from './console-views.js';

const PAGE_SIZE = 50;
const rowsBody = byTestId('dead-rows');
const filtersForm = byTestId('filters');
const queueSelect = byTestId('filter-queue');

const state = {
  kind: null,
  filters: {},
  cursor: null,
  nextCursor: null,
  offset: 0,
  nextOffset: null,
  /** Selected rows, key → what an action sends for the row; kept across refreshes while the row is listed. */
  selected: new Map(),
  timer: 0,
  refreshing: false,
  refreshAgain: false,
  refreshFailed: false,
};

// ---- the visible dead list ----------------------------------------------------------------

function query(kind) {
  const params = new URLSearchParams();
  for (const [field, param] of Object.entries(kind.filters)) {
    if (state.filters[field]) params.set(param, state.filters[field]);
  }
  if (kind.paging === 'cursor' && state.cursor) params.set('cursor', state.cursor);
  if (kind.paging === 'offset' && state.offset) params.set('offset', String(state.offset));
  params.set('limit', String(PAGE_SIZE));
  return params;
}

async function loadList() {
  const kind = KINDS[state.kind];
  if (state.kind === 'consumer' && !state.filters.queue) return renderRows(kind, []);
  const page = await api(`${kind.list}?${query(kind)}`);
  state.nextCursor = page.nextCursor ?? null;
  state.nextOffset = page.nextOffset ?? null;
  // An action emptied a later page: go back to the first rather than show nothing.
  if (page.items.length === 0 && (state.cursor || state.offset)) {
    state.cursor = null;
    state.offset = 0;
    return loadList();
  }
  return renderRows(kind, page.items);
}

function renderRows(kind, items) {
  const keys = new Set(items.map(kind.key));
  for (const key of [...state.selected.keys()]) if (!keys.has(key)) state.selected.delete(key);
  rowsBody.replaceChildren(...items.map((item) => renderRow(kind, item)));
  byTestId('dead-empty').hidden = items.length > 0;
  byTestId('next-page').disabled = kind.paging === 'cursor' ? !state.nextCursor : state.nextOffset === null;
  byTestId('first-page').disabled = !state.cursor && !state.offset;
  updateSelection();
}

const definitions = (pairs, cls) =>
  el(
    'dl',
    { class: cls },
    ...pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
  );

function renderRow(kind, item) {
  const key = kind.key(item);
  const box = el('input', {
    type: 'checkbox',
    'aria-label': `Select ${key.replace('\n', ' / ')}`,
    'data-testid': 'row-select',
  });
  box.checked = state.selected.has(key);
  box.addEventListener('change', () => {
    if (box.checked) state.selected.set(key, kind.ref(item));
    else state.selected.delete(key);
    updateSelection();
  });
  const button = el('button', { type: 'button', 'data-testid': 'replay-button' }, kind.verb);
  button.addEventListener('click', () => act('replay', kind.selection([kind.ref(item)], state), [key]));
  const headers = el('details', {}, el('summary', {}, 'Headers'));
  headers.append(el('pre', { 'data-testid': 'row-headers' }, pretty(item.headers)));
  return el(
    'tr',
    { 'data-testid': `dead-${state.kind}-row`, ...kind.attrs(item) },
    el('td', {}, box),
    el('td', {}, definitions(kind.ids(item))),
    el('td', { 'data-field': 'type' }, kind.type(item)),
    el('td', { 'data-field': 'attempts' }, kind.attempts(item)),
    el(
      'td',
      {},
      definitions(
        kind.times(item).map(([term, at]) => [term, time(at)]),
        'times',
      ),
    ),
    el('td', {}, el('pre', { class: 'error', 'data-testid': 'row-error' }, kind.error(item) ?? '')),
    el(
      'td',
      {},
      el('pre', { class: 'payload', 'data-testid': 'row-payload' }, pretty(item.payload)),
      headers,
    ),
    el('td', {}, button),
  );
}

function updateSelection() {
  const n = state.selected.size;
  const rows = rowsBody.querySelectorAll('[data-testid="row-select"]').length;
  byTestId('selection-count').textContent = n ? `${n} selected` : '';
  byTestId('replay-selected').disabled = n === 0;
  byTestId('purge-selected').disabled = n === 0;
  const all = byTestId('select-page');
  all.checked = n > 0 && n === rows;
  all.indeterminate = n > 0 && n < rows;
}

// ---- actions ------------------------------------------------------------------------------

/** Replays (requeues) or purges; `keys` are the selected rows the action covers. */
async function act(op, body, keys, allMatching = false) {
  const kind = KINDS[state.kind];
  if (op === 'purge') {
    const what = allMatching ? `every ${kind.noun} matching the filters` : count(keys.length, kind.noun);
    if (!window.confirm(`Purge ${what}? This cannot be undone.`)) return say('Purge cancelled.');
    body = { ...body, confirm: 'purge' };
  }
  try {
    const result = await api(op === 'purge' ? kind.purge : kind.replay, body);
    const n = op === 'purge' ? result.purged : result[kind.result];
    for (const key of keys) state.selected.delete(key);
    say(`${op === 'purge' ? 'Purged' : kind.done} ${count(n, kind.noun)}.`);
  } catch (error) {
    say(`${op === 'purge' ? 'Purge' : kind.verb} failed: ${error.message}`, true);
  }
  return refresh(true);
}

function onAction(action) {
  const kind = KINDS[state.kind];
  const keys = [...state.selected.keys()];
  const refs = [...state.selected.values()];
  const filter = {};
  for (const [field, param] of Object.entries(kind.filters)) {
    if (field !== 'queue' && state.filters[field]) filter[param] = state.filters[field];
  }
  if (action.endsWith('-all') && state.kind === 'consumer' && filter.error) {
    return say('"All matching" takes the whole queue: clear the error filter first, or select rows.', true);
  }
  if (action === 'replay-selected') return act('replay', kind.selection(refs, state), keys);
  if (action === 'purge-selected') return act('purge', kind.selection(refs, state), keys);
  if (action === 'replay-all') return act('replay', kind.everything(filter, state), [], true);
  if (action === 'purge-all') return act('purge', kind.everything(filter, state), [], true);
  if (action === 'next-page') {
    if (kind.paging === 'cursor') state.cursor = state.nextCursor;
    else state.offset = state.nextOffset;
  }
  if (action === 'first-page') {
    state.cursor = null;
    state.offset = 0;
  }
  return refresh(true);
}

/** Empties the filters but keeps the chosen consumer queue: it picks the list, it does not filter it. */
function clearFilters() {
  const queue = state.filters.queue || queueSelect.value;
  filtersForm.reset();
  queueSelect.value = queue || '';
  state.filters = queue ? { queue } : {};
  state.cursor = null;
  state.offset = 0;
}

function showKind(name) {
  const kind = KINDS[name];
  state.kind = name;
  state.selected.clear();
  clearFilters();
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.setAttribute('aria-selected', String(tab.dataset.kind === name));
  }
  for (const filter of filtersForm.querySelectorAll('.filter')) {
    filter.hidden = !filter.dataset.for.split(' ').includes(name);
  }
  byTestId('replay-selected').textContent = `${kind.verb} selected`;
  byTestId('replay-all').textContent = `${kind.verb} all matching`;
  byTestId('dead-list').hidden = false;
  rowsBody.replaceChildren();
  return refresh(true);
}

// ---- refresh: a setTimeout chain, paused while the page is hidden -------------------------

async function refresh(now = false) {
  clearTimeout(state.timer);
  if (!now && document.hidden) return schedule();
  if (state.refreshing) {
    // An action's refresh must not be lost behind the timer's: run it when this one ends.
    state.refreshAgain = state.refreshAgain || now;
    return undefined;
  }
  state.refreshing = true;
  try {
    renderOverview(await api('api/overview'));
    if (!state.filters.queue && queueSelect.value) state.filters.queue = queueSelect.value;
    if (state.kind) await loadList();
    if (state.refreshFailed) say('Connected again.');
    state.refreshFailed = false;
  } catch (error) {
    state.refreshFailed = true;
    say(`Refresh failed: ${error.message}`, true);
  } finally {
    state.refreshing = false;
    if (state.refreshAgain) {
      state.refreshAgain = false;
      refresh(true);
    } else {
      schedule();
    }
  }
  return undefined;
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(() => refresh(), session.refreshIntervalMs || 5000);
}

// ---- wiring -------------------------------------------------------------------------------

function wire() {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener('click', () => showKind(tab.dataset.kind));
  }
  filtersForm.addEventListener('submit', (event) => {
    event.preventDefault();
    state.filters = Object.fromEntries([...new FormData(filtersForm)].map(([k, v]) => [k, String(v).trim()]));
    state.cursor = null;
    state.offset = 0;
    refresh(true);
  });
  byTestId('filter-clear').addEventListener('click', () => {
    clearFilters();
    refresh(true);
  });
  queueSelect.addEventListener('change', () => filtersForm.requestSubmit());
  for (const button of document.querySelectorAll('[data-action]')) {
    button.addEventListener('click', () => onAction(button.dataset.action));
  }
  byTestId('select-page').addEventListener('change', (event) => {
    for (const box of rowsBody.querySelectorAll('[data-testid="row-select"]')) {
      if (box.checked !== event.target.checked) box.click();
    }
  });
  byTestId('journey-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = byTestId('journey-input').value.trim();
    if (id) showJourney(id).catch((error) => say(`Journey of ${id}: ${error.message}`, true));
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh(true);
  });
}

async function start() {
  wire();
  try {
    await loadSession();
  } catch (error) {
    return say(`Could not open the console: ${error.message}`, true);
  }
  byTestId('principal').textContent = `signed in as ${session.principal}`;
  const kinds = Object.keys(KINDS).filter((name) => session.components && session.components[name]);
  for (const name of kinds) byTestId(`tab-${name}`).hidden = false;
  say('Ready.');
  return kinds.length ? showKind(kinds[0]) : refresh(true);
}

start();
