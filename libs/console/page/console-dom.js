// Building and filling the page. Everything the server sends ends up here as text:
// `el` sets attributes with setAttribute and children as text nodes, so nothing is ever parsed as HTML.

export const $ = (selector, root = document) => root.querySelector(selector);
export const byTestId = (id) => $(`[data-testid="${id}"]`);

/** Builds an element; null / undefined / false attributes and children are skipped. */
export function el(tag, attrs, ...children) {
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

/** ISO time as `2024-05-01 12:00:00Z`: unambiguous, and the same for every operator. */
export const time = (iso) =>
  iso
    ? String(iso)
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '–';

export const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function age(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Pretty-prints JSON text (or a value); text that does not parse is shown as it is. */
export function pretty(value) {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/** The status line: the outcome of the last action, or the last error (the API's message). */
export function say(text, isError = false) {
  const line = byTestId('status-line');
  line.textContent = text;
  line.classList.toggle('error', isError);
}
