// @ts-check
// REST calls from the page. The WebSocket is public, but /api/* needs a bearer token when the server
// has API_TOKEN set; the token the user types is kept for this tab only (sessionStorage).

/** @typedef {import('../src/transport/http/page-settings').PageSettings} PageSettings */

const TOKEN_KEY = 'flowbot.apiToken';

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

/** @param {string} token */
export function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage can be disabled; the token then lasts until the next reload only.
  }
}

/**
 * @typedef {object} ApiAnswer
 * @property {number} status
 * @property {string} text
 * @property {boolean} usedToken
 * @property {string | null} flowVersion the X-Flow-Version header
 */

/**
 * GET an API path. Resolves for any HTTP answer (401 included) and rejects only when the server
 * cannot be reached.
 * @param {string} path
 * @returns {Promise<ApiAnswer>}
 */
export async function apiGet(path) {
  const token = getToken();
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json, text/plain, text/javascript' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
  const text = await res.text();
  return { status: res.status, text, usedToken: Boolean(token), flowVersion: res.headers.get('X-Flow-Version') };
}

/**
 * The `message` of the API's error shape, or a fallback.
 * @param {string} text
 * @param {string} fallback
 */
export function errorMessage(text, fallback) {
  try {
    const body = JSON.parse(text);
    if (body && typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return fallback;
}

/**
 * The server's limits for the page (/assets/settings.json, made from the server's own settings), or
 * undefined when they cannot be read: the server still checks every message itself.
 * @returns {Promise<PageSettings | undefined>}
 */
export async function loadPageSettings() {
  try {
    const res = await fetch('/assets/settings.json', { credentials: 'omit' });
    if (!res.ok) return undefined;
    /** @type {unknown} */
    const body = await res.json();
    if (typeof body !== 'object' || body === null) return undefined;
    const { maxMessageChars, maxFrameBytes } = /** @type {Record<string, unknown>} */ (body);
    if (!Number.isInteger(maxMessageChars) || !Number.isInteger(maxFrameBytes)) return undefined;
    return { maxMessageChars: Number(maxMessageChars), maxFrameBytes: Number(maxFrameBytes) };
  } catch {
    return undefined;
  }
}
