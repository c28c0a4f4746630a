import { request } from 'node:http';
import { connect } from 'node:net';
import { checkExchange } from './descriptions';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** A request that takes longer fails the test instead of hanging it. */
  timeoutMs?: number;
}

function hasTransferEncoding(headers: Record<string, string> | undefined): boolean {
  return Object.keys(headers ?? {}).some((h) => h.toLowerCase() === 'transfer-encoding');
}

/**
 * One HTTP request with exactly the bytes and headers given (no JSON helpers, no normalisation), so
 * fuzz tests can send invalid UTF-8, wrong content types and odd paths. Rejects on timeout. The
 * answer is checked against the server's OpenAPI document, as checkedFetch does.
 */
export async function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const answer = await sendRaw(baseUrl, req);
  await checkExchange(baseUrl, { method: req.method ?? 'GET', target: req.path, ...answer });
  return answer;
}

function sendRaw(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  const timeoutMs = req.timeoutMs ?? 10000;
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method ?? 'GET',
        path: req.path,
        headers: { ...(body && !hasTransferEncoding(req.headers) ? { 'content-length': String(body.length) } : {}), ...req.headers },
        // A fresh connection per request: a request that breaks one must not affect the next.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      r.destroy(new Error(`${req.method ?? 'GET'} ${req.path} got no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    r.end(body);
  });
}

/**
 * Writes `bytes` on a fresh TCP connection and reads the answer until the server closes: for requests
 * Node's HTTP client will not send (a malformed header, headers over the limit). The answer is
 * parsed and checked against the OpenAPI document like any other.
 */
export async function rawExchange(baseUrl: string, bytes: string, what: { method: string; target: string }): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const data = await new Promise<string>((resolve, reject) => {
    let received = '';
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    socket.setTimeout(10000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
  const split = data.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = data.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const answer = { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0), headers, text: data.slice(split + 4) };
  await checkExchange(baseUrl, { ...what, ...answer });
  return answer;
}

export interface ErrorShape {
  code: string;
  message: string;
  errors?: unknown[];
}

/** Parses a body as the API's one error shape; throws with the body when it is not. */
export function parseErrorShape(text: string): ErrorShape {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`error body is not JSON: ${JSON.stringify(text.slice(0, 300))}`);
  }
  const v = value as Partial<ErrorShape> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.code !== 'string' ||
    v.code === '' ||
    typeof v.message !== 'string' ||
    v.message === ''
  ) {
    throw new Error(`error body lacks code/message: ${text.slice(0, 300)}`);
  }
  if (v.errors !== undefined && !Array.isArray(v.errors)) throw new Error(`"errors" is not an array: ${text.slice(0, 300)}`);
  return v as ErrorShape;
}

/** Signs that an answer leaks internals: stack frames, source files, the checkout's path. */
export function leaksInternals(text: string, root: string): string | undefined {
  if (/\n\s+at [^\n]+[(:]\d+/.test(text) || /\bat [\w.<>]+ \([^)]*:\d+:\d+\)/.test(text)) return 'stack trace';
  if (text.includes(root)) return 'file path';
  if (/\b(src|dist|node_modules)\/[\w./-]+\.(ts|js)\b/.test(text)) return 'source file name';
  return undefined;
}
