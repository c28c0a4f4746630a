import { request } from 'node:http';

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
 * fuzz tests can send invalid UTF-8, wrong content types and odd paths. Rejects on timeout.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
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
