import { checkExchange } from './descriptions';

/** Statuses whose answers have no body (a Response cannot be built with one). */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * `fetch`, with the answer checked against the OpenAPI document of the server it came from (status,
 * content type, headers that matter, body): an answer the description does not allow fails the test.
 * Every integration test talks HTTP through this (or through raw-http.ts for bytes fetch cannot send).
 */
export async function checkedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  const body = Buffer.from(await res.arrayBuffer());
  const parsed = new URL(url);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name] = value));
  await checkExchange(url, {
    method: (init.method ?? 'GET').toUpperCase(),
    target: `${parsed.pathname}${parsed.search}`,
    status: res.status,
    headers,
    text: body.toString('utf8'),
  });
  return new Response(NO_BODY.has(res.status) ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
