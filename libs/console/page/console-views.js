// The overview tables and the journey of one message: both only show what the API answered.
import { api } from './console-api.js';
import { $, age, byTestId, count, el, pretty, say, time } from './console-dom.js';

function fillTable(testId, rows, attrs, cells) {
  const panel = byTestId(testId);
  panel.hidden = !rows; // a component the service does not have is null
  if (!rows) return;
  const body = $('tbody', panel);
  if (rows.length === 0) {
    const width = $('thead tr', panel).children.length;
    body.replaceChildren(el('tr', {}, el('td', { colspan: width, class: 'muted' }, 'None yet.')));
    return;
  }
  const cell = ([field, value]) =>
    el('td', { 'data-field': field, class: field === 'dead' && value > 0 ? 'bad' : null }, value ?? '–');
  body.replaceChildren(
    ...rows.map((row) =>
      el('tr', { 'data-testid': `${testId}-row`, ...attrs(row) }, ...Object.entries(cells(row)).map(cell)),
    ),
  );
}

export function renderOverview(o) {
  byTestId('overview-at').textContent = `at ${time(o.at)}`;
  fillTable(
    'overview-outbox',
    o.outbox && o.outbox.destinations,
    (d) => ({ 'data-destination': d.destination }),
    (d) => ({
      destination: d.destination,
      pending: d.pending,
      oldest: age(d.oldestPendingAgeMs),
      dead: d.dead,
    }),
  );
  fillTable(
    'overview-inbox',
    o.inbox && o.inbox.handlers,
    (h) => ({ 'data-event-type': h.eventType, 'data-handler-key': h.handlerKey }),
    (h) => ({
      eventType: h.eventType,
      handlerKey: h.handlerKey,
      pending: h.pending,
      running: h.running,
      failedWaiting: h.failedWaiting,
      dead: h.dead,
    }),
  );
  const queues = o.consumer && o.consumer.queues;
  fillTable(
    'overview-consumer',
    queues,
    (q) => ({ 'data-queue': q.queue }),
    (q) => ({
      queue: q.queue,
      // The broker could not answer for this queue; the others are still shown.
      depth: q.error ? `unavailable: ${q.error}` : q.depth,
      consumers: q.consumers,
      retryDepth: q.retryDepth,
      deadLetterQueue: q.deadLetterQueue,
      dead: q.deadDepth,
    }),
  );
  fillQueueSelect(queues || []);
}

/** The consumer list's queue picker; updated in place when its queues are unchanged, so an open picker stays open. */
function fillQueueSelect(queues) {
  const select = byTestId('filter-queue');
  const label = (q) => `${q.queue} (${q.deadDepth ?? '?'} dead)`;
  const same =
    select.options.length === queues.length && queues.every((q, i) => select.options[i].value === q.queue);
  if (same) {
    queues.forEach((q, i) => (select.options[i].textContent = label(q)));
    return;
  }
  const current = select.value;
  select.replaceChildren(...queues.map((q) => el('option', { value: q.queue }, label(q))));
  if (queues.some((q) => q.queue === current)) select.value = current;
}

export async function showJourney(id) {
  const j = await api(`api/messages/${encodeURIComponent(id)}`);
  const steps = j.steps || [];
  byTestId('journey-steps').replaceChildren(
    ...steps.map((s) => el('li', {}, el('time', { datetime: s.at }, time(s.at)), ' ', s.what)),
  );
  byTestId('journey-outbox').textContent = j.outbox ? pretty(j.outbox) : "Not in this service's outbox.";
  byTestId('journey-published').textContent = j.published
    ? pretty(j.published)
    : 'No recent publish by this process.';
  byTestId('journey-inbox').textContent = j.inbox ? pretty(j.inbox) : "Not in this service's inbox.";
  byTestId('journey-result').hidden = false;
  const found = j.outbox || j.published || j.inbox;
  say(found ? `Message ${id}: ${count(steps.length, 'step')}.` : `Message ${id}: not found in this service.`);
}
