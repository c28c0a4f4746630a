// REST calls from the page. The WebSocket is public, but /api/* needs a bearer token when the server
// has API_TOKEN set; the token the user types is kept for this tab only (sessionStorage).

const TOKEN_KEY = 'flowbot.apiToken';

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage can be disabled; the token then lasts until the next reload only.
  }
}

/**
 * GET an API path. Resolves to { status, text, usedToken, flowVersion } for any HTTP answer (401
 * included) and rejects only when the server cannot be reached.
 */
export async function apiGet(path) {
  const token = getToken();
  const headers = { Accept: 'application/json, text/plain, text/javascript' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
  const text = await res.text();
  return { status: res.status, text, usedToken: Boolean(token), flowVersion: res.headers.get('X-Flow-Version') };
}

/** The `message` of the API's error shape, or a fallback. */
export function errorMessage(text, fallback) {
  try {
    const body = JSON.parse(text);
    if (body && typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return fallback;
}
