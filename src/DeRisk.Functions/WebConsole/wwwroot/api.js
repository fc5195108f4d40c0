// The DeRisk API, called relative to the console's own address (/api/console/ -> /api/), with the bearer token kept
// in session storage (gone when the tab closes). Every answer comes back as { ok, status, data } or { ok: false,
// status, problem } where problem is the API's RFC 9457 problem details.

const TOKEN_KEY = 'derisk.token';
const PENDING_KEY = 'derisk.pendingSignUp';
const base = new URL('../', document.baseURI);

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
  },
  get pending() {
    const text = sessionStorage.getItem(PENDING_KEY);
    return text ? JSON.parse(text) : null;
  },
  set pending(value) {
    if (value) sessionStorage.setItem(PENDING_KEY, JSON.stringify(value)); else sessionStorage.removeItem(PENDING_KEY);
  },
  get signedIn() { return Boolean(this.token); },
};

export async function api(method, path, body) {
  const headers = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = session.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(new URL(path, base), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, status: 0, problem: { title: 'The DeRisk server could not be reached.' } };
  }

  const type = response.headers.get('content-type') ?? '';
  let data = null;
  let unreadable = false;
  if (response.status !== 204 && type.includes('json')) {
    try {
      data = await response.json();
    } catch {
      unreadable = true;
    }
  } else if (response.status !== 204) {
    unreadable = true;
  }

  // Every success of the API but 204 is JSON: anything else (a proxy's HTML page, a cut-off body) is a problem, not data.
  if (response.ok && unreadable) {
    return { ok: false, status: response.status, problem: { title: 'The DeRisk server sent an answer the console could not read.' } };
  }

  if (response.ok) return { ok: true, status: response.status, data };
  if (response.status === 401 && token) {
    session.token = null;
    window.dispatchEvent(new CustomEvent('derisk:signedout', { detail: 'Your session has ended; sign in again.' }));
  }

  const problem = data !== null && typeof data === 'object' && !Array.isArray(data) ? data : null;
  return { ok: false, status: response.status, problem: problem ?? { title: response.statusText || `HTTP ${response.status}` } };
}
