// Courier console page. Plain script, no framework, no build step.
// Everything the server sends is shown through textContent / text nodes, never parsed as HTML:
// payloads and error messages are data written by whoever sent the message.
'use strict';

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const byTestId = (id) => $(`[data-testid="${id}"]`);

  /** Builds an element; attribute values are set as attributes and children as text, so nothing is parsed. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const time = (iso) => (iso ? String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–');
  const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  function age(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return `${ms} ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
    if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
    return `${(ms / 3_600_000).toFixed(1)} h`;
  }
  /** Pretty-prints JSON text (or a value); anything that does not parse is shown as it is. */
  function pretty(value) {
    if (value === null || value === undefined) return '';
    if (typeof value !== 'string') return JSON.stringify(value, null, 2);
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }

  // ---- the API ------------------------------------------------------------------------------

  const baseMeta = $('meta[name="courier-console-base"]');
  const base =
    baseMeta && !baseMeta.content.includes('%BASE%')
      ? baseMeta.content
      : location.pathname.replace(/\/?$/, '/');
  const state = {
    csrf: '',
    intervalMs: 5000,
    components: {},
    kind: null,
    filters: {},
    cursor: null,
    nextCursor: null,
    offset: 0,
    nextOffset: null,
    selected: new Map(),
    timer: 0,
    refreshing: false,
    refreshAgain: false,
    refreshFailed: false,
  };

  class ApiError extends Error {}

  async function api(path, body, retried = false) {
    const init = { credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.method = 'POST';
      init.headers['Content-Type'] = 'application/json';
      init.headers['X-Courier-CSRF'] = state.csrf;
      init.body = JSON.stringify(body);
    }
    const response = await fetch(base + path, init);
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    // A restarted service no longer knows our CSRF token: fetch a new one and try once more.
    if (response.status === 403 && body !== undefined && !retried) {
      await loadSession();
      return api(path, body, true);
    }
    if (!response.ok) {
      const message = data && data.message;
      throw new ApiError(
        Array.isArray(message) ? message.join('; ') : message || `${response.status} ${response.statusText}`,
      );
    }
    return data;
  }

  const statusLine = byTestId('status-line');
  function say(text, isError = false) {
    statusLine.textContent = text;
    statusLine.classList.toggle('error', isError);
  }

  async function loadSession() {
    const session = await api('api/session');
    state.csrf = session.csrfToken;
    state.intervalMs = session.refreshIntervalMs || state.intervalMs;
    state.components = session.components || {};
    byTestId('principal').textContent = `signed in as ${session.principal}`;
  }

  // ---- overview -----------------------------------------------------------------------------

  function fillTable(testId, rows, cells) {
    const panel = byTestId(testId);
    panel.hidden = !rows;
    if (!rows) return;
    const body = $('tbody', panel);
    const width = $('thead tr', panel).children.length;
    if (rows.length === 0) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: width, class: 'muted' }, 'None yet.')));
      return;
    }
    body.replaceChildren(
      ...rows.map((row) => {
        const [attrs, values] = cells(row);
        return el(
          'tr',
          { 'data-testid': `${testId}-row`, ...attrs },
          ...values.map(([field, value]) =>
            el('td', { 'data-field': field, class: field === 'dead' && value > 0 ? 'bad' : null }, value ?? '–'),
          ),
        );
      }),
    );
  }

  function renderOverview(o) {
    byTestId('overview-at').textContent = `at ${time(o.at)}`;
    fillTable('overview-outbox', o.outbox && o.outbox.destinations, (d) => [
      { 'data-destination': d.destination },
      [['destination', d.destination], ['pending', d.pending], ['oldest', age(d.oldestPendingAgeMs)], ['dead', d.dead]],
    ]);
    fillTable('overview-inbox', o.inbox && o.inbox.handlers, (h) => [
      { 'data-event-type': h.eventType, 'data-handler-key': h.handlerKey },
      [
        ['eventType', h.eventType], ['handlerKey', h.handlerKey], ['pending', h.pending],
        ['running', h.running], ['failedWaiting', h.failedWaiting], ['dead', h.dead],
      ],
    ]);
    const queues = o.consumer && o.consumer.queues;
    fillTable('overview-consumer', queues, (q) => [
      { 'data-queue': q.queue },
      [
        ['queue', q.queue], ['depth', q.depth], ['consumers', q.consumers], ['retryDepth', q.retryDepth],
        ['deadLetterQueue', q.deadLetterQueue], ['dead', q.deadDepth],
      ],
    ]);
    fillQueueSelect(queues || []);
  }

  /** Updates the consumer queue picker in place when its queues are unchanged, so an open picker stays open. */
  function fillQueueSelect(queues) {
    const select = byTestId('filter-queue');
    const label = (q) => `${q.queue} (${q.deadDepth ?? '?'} dead)`;
    const same =
      select.options.length === queues.length && queues.every((q, i) => select.options[i].value === q.queue);
    if (same) {
      queues.forEach((q, i) => (select.options[i].textContent = label(q)));
    } else {
      const current = select.value;
      select.replaceChildren(...queues.map((q) => el('option', { value: q.queue }, label(q))));
      if (queues.some((q) => q.queue === current)) select.value = current;
    }
    if (!state.filters.queue && select.value) state.filters.queue = select.value;
  }

  // ---- journey ------------------------------------------------------------------------------

  async function showJourney(id) {
    const j = await api(`api/messages/${encodeURIComponent(id)}`);
    byTestId('journey-steps').replaceChildren(
      ...(j.steps || []).map((s) => el('li', {}, el('time', { datetime: s.at }, time(s.at)), ' ', s.what)),
    );
    byTestId('journey-outbox').textContent = j.outbox ? pretty(j.outbox) : "Not in this service's outbox.";
    byTestId('journey-published').textContent = j.published
      ? pretty(j.published)
      : 'No recent publish by this process.';
    byTestId('journey-inbox').textContent = j.inbox ? pretty(j.inbox) : "Not in this service's inbox.";
    byTestId('journey-result').hidden = false;
    const found = j.outbox || j.published || j.inbox;
    say(found ? `Message ${id}: ${count((j.steps || []).length, 'step')}.` : `Message ${id}: not found here.`);
  }

  // ---- dead lists ---------------------------------------------------------------------------

  const KINDS = window.CourierConsoleKinds;
  const rowsBody = byTestId('dead-rows');
  const filtersForm = byTestId('filters');

  function query() {
    const kind = KINDS[state.kind];
    const params = new URLSearchParams();
    for (const [field, param] of Object.entries(kind.filters)) {
      if (state.filters[field]) params.set(param, state.filters[field]);
    }
    if (kind.paging === 'cursor' && state.cursor) params.set('cursor', state.cursor);
    if (kind.paging === 'offset' && state.offset) params.set('offset', String(state.offset));
    params.set('limit', '50');
    return params;
  }

  async function loadList() {
    const kind = KINDS[state.kind];
    if (state.kind === 'consumer' && !state.filters.queue) return renderRows(kind, []);
    const page = await api(`${kind.list}?${query()}`);
    state.nextCursor = page.nextCursor ?? null;
    state.nextOffset = page.nextOffset ?? null;
    // An action emptied a later page: go back to the first rather than show nothing.
    if (page.items.length === 0 && (state.cursor || state.offset)) {
      state.cursor = null;
      state.offset = 0;
      return loadList();
    }
    renderRows(kind, page.items);
  }

  function renderRows(kind, items) {
    const keys = new Set(items.map(kind.key));
    for (const key of [...state.selected.keys()]) if (!keys.has(key)) state.selected.delete(key);
    rowsBody.replaceChildren(...items.map((item) => renderRow(kind, item)));
    byTestId('dead-empty').hidden = items.length > 0;
    byTestId('next-page').disabled = kind.paging === 'cursor' ? !state.nextCursor : state.nextOffset === null;
    byTestId('first-page').disabled = !state.cursor && !state.offset;
    updateSelection(items.length);
  }

  function renderRow(kind, item) {
    const key = kind.key(item);
    const box = el('input', { type: 'checkbox', 'aria-label': `Select ${key}`, 'data-testid': 'row-select' });
    box.checked = state.selected.has(key);
    box.addEventListener('change', () => {
      if (box.checked) state.selected.set(key, kind.ref(item));
      else state.selected.delete(key);
      updateSelection(rowsBody.children.length);
    });
    const button = el('button', { type: 'button', 'data-testid': 'replay-button' }, kind.verb);
    button.addEventListener('click', () => act('replay', kind.selection([kind.ref(item)], state), [key]));
    const list = (pairs) =>
      el('dl', {}, ...pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').flatMap(([t, v]) => [el('dt', {}, t), el('dd', {}, v)]));
    return el(
      'tr',
      { 'data-testid': `dead-${state.kind}-row`, ...kind.attrs(item) },
      el('td', {}, box),
      el('td', {}, list(kind.ids(item))),
      el('td', {}, kind.type(item)),
      el('td', { 'data-field': 'attempts' }, kind.attempts(item)),
      el('td', {}, list(kind.times(item).map(([t, v]) => [t, time(v)]))),
      el('td', {}, el('pre', { class: 'error', 'data-testid': 'row-error' }, kind.error(item) ?? '')),
      el(
        'td',
        {},
        el('pre', { class: 'payload', 'data-testid': 'row-payload' }, pretty(item.payload)),
        el('details', {}, el('summary', {}, 'Headers'), el('pre', { 'data-testid': 'row-headers' }, pretty(item.headers))),
      ),
      el('td', {}, button),
    );
  }

  function updateSelection(rowCount) {
    const n = state.selected.size;
    byTestId('selection-count').textContent = n ? `${n} selected` : '';
    byTestId('replay-selected').disabled = n === 0;
    byTestId('purge-selected').disabled = n === 0;
    const all = byTestId('select-page');
    all.checked = n > 0 && n === rowCount;
    all.indeterminate = n > 0 && n < rowCount;
  }

  /** Replays or purges; `keys` are the selection entries the action covered. */
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
      await refresh(true);
    } catch (error) {
      say(`${op === 'purge' ? 'Purge' : kind.verb} failed: ${error.message}`, true);
    }
  }

  function onAction(action) {
    const kind = KINDS[state.kind];
    const keys = [...state.selected.keys()];
    const refs = [...state.selected.values()];
    const filter = Object.fromEntries(
      Object.entries(kind.filters).filter(([field]) => field !== 'queue' && state.filters[field]).map(([f, p]) => [p, state.filters[f]]),
    );
    if (action.endsWith('-all') && kind.paging === 'offset' && filter.error) {
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
    const select = byTestId('filter-queue');
    const queue = state.filters.queue || select.value;
    filtersForm.reset();
    select.value = queue || '';
    state.filters = queue ? { queue } : {};
  }

  function showKind(kindName) {
    state.kind = kindName;
    state.cursor = null;
    state.offset = 0;
    state.selected.clear();
    clearFilters();
    const kind = KINDS[kindName];
    for (const tab of document.querySelectorAll('[role="tab"]')) {
      tab.setAttribute('aria-selected', String(tab.dataset.kind === kindName));
    }
    for (const span of filtersForm.querySelectorAll('.filter')) {
      span.hidden = !span.dataset.for.split(' ').includes(kindName);
    }
    byTestId('replay-selected').textContent = `${kind.verb} selected`;
    byTestId('replay-all').textContent = `${kind.verb} all matching`;
    byTestId('dead-list').hidden = false;
    rowsBody.replaceChildren();
    return refresh(true);
  }

  // ---- refresh ------------------------------------------------------------------------------

  /** Reloads the overview and the visible list; `now` runs it at once and restarts the timer chain. */
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
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => refresh(), state.intervalMs);
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
      state.cursor = null;
      state.offset = 0;
      refresh(true);
    });
    byTestId('filter-queue').addEventListener('change', () => filtersForm.requestSubmit());
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
    const kinds = Object.keys(KINDS).filter((name) => state.components[name]);
    for (const name of kinds) byTestId(`tab-${name}`).hidden = false;
    say('Ready.');
    if (kinds.length) await showKind(kinds[0]);
    else await refresh(true);
  }

  start();
})();
