// The console's HTTP API, as the page calls it: same-origin credentials (the browser's Basic
// prompt), JSON bodies, and the CSRF token from GET api/session on every POST.
import { $ } from './console-dom.js';

const meta = $('meta[name="courier-console-base"]');
// The module puts the mount path (with a trailing slash) in the meta tag; the fallback serves a page opened unprocessed.
const base = meta && !meta.content.includes('%BASE%') ? meta.content : location.pathname.replace(/\/?$/, '/');

/** What GET api/session answered. */
export const session = { principal: '', csrfToken: '', components: {}, refreshIntervalMs: 5000 };

export async function loadSession() {
  Object.assign(session, await api('api/session'));
  return session;
}

/** GET `path` (relative to the API's base), or POST `body` to it as JSON. Throws the API's message on an error. */
export async function api(path, body, retried = false) {
  const init = { credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.headers['X-Courier-CSRF'] = session.csrfToken;
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
  // The token is bound to the process: after a restart of the service, fetch a new one and try once more.
  if (response.status === 403 && body !== undefined && !retried) {
    await loadSession();
    return api(path, body, true);
  }
  if (!response.ok) {
    const message = data && data.message;
    const reason = Array.isArray(message) ? message.join('; ') : message;
    throw new Error(reason || `${response.status} ${response.statusText}`);
  }
  return data;
}
