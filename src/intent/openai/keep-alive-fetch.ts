import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';

/**
 * A `fetch` for the openai SDK over node:http(s) with a keep-alive agent: the SDK's one dependency
 * on the network, made for many small requests to one host. Node's global fetch (undici) spent ~600
 * µs of CPU per detection under load (request and response objects, web streams, a body parser),
 * where a plain request on a kept-alive socket costs a fraction of it (npm run bench: the OpenAI
 * floor). Only what the SDK uses is supported: a URL, a method, headers, a string or byte body, an
 * abort signal; the response body is read whole (a completion is a few hundred bytes; at most
 * MAX_RESPONSE_BYTES) and handed over as it is (see BufferedResponse).
 */

/** A completion is tiny; anything far larger is not an answer worth reading. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Sockets idle this long are closed (the server's own keep-alive is often 5 s or more). */
const IDLE_SOCKET_MS = 30_000;
/**
 * Idle sockets kept per host (node's default is 256). Every conversation waiting on the model holds
 * one request, so with more than 256 in flight the default closed the sockets that exceeded it
 * whenever the number in flight dipped, and the next rise opened them again: a TCP connect each, and
 * against OpenAI a TLS handshake each. Idle sockets still close after IDLE_SOCKET_MS.
 */
export const MAX_IDLE_SOCKETS = 4096;
/** Statuses whose Response may not have a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface KeepAliveFetch {
  fetch: typeof fetch;
  /** Closes every pooled socket (shutdown). */
  close(): void;
}

function abortError(signal: AbortSignal): unknown {
  // As fetch does: the signal's reason when it has one, otherwise an AbortError.
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * The request's header lines as http.request takes them in its raw form, a flat [name, value, ...]
 * list: node then writes them as they are (still validating each) instead of first storing every one
 * in the request's own header map, a copy per request that lived as long as the request. What node
 * adds itself to headers given as an object, Host (and Basic auth from the URL), comes last, as there.
 */
function headerLinesOf(init: RequestInit | undefined, target: RequestTarget, contentLength: number | undefined): string[] {
  const lines: string[] = [];
  let hasHost = false;
  let hasAuthorization = false;
  const add = (value: string, name: string): void => {
    if (name === 'content-length' && contentLength !== undefined) return;
    if (name === 'host') hasHost = true;
    else if (name === 'authorization') hasAuthorization = true;
    lines.push(name, value);
  };
  const given = init?.headers;
  // The SDK hands over a Headers: read it as it is rather than copying it into another one first.
  if (given instanceof Headers) given.forEach(add);
  else if (given !== undefined) new Headers(given).forEach(add);
  if (contentLength !== undefined) lines.push('content-length', String(contentLength));
  if (!hasHost) lines.push('Host', target.hostHeader);
  if (target.basicAuth !== undefined && !hasAuthorization) lines.push('Authorization', target.basicAuth);
  return lines;
}

function bodyOf(init: RequestInit | undefined): string | Uint8Array | undefined {
  const body = init?.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('keepAliveFetch sends only string or byte bodies');
}

/**
 * What the SDK reads of a response (status, headers, the body as text or JSON), over the bytes
 * already read. A standard Response made from a buffer builds a web ReadableStream and a body
 * reader per request (~8 KiB and a few µs each, npm run bench's model path), only for the SDK to
 * read it back whole at once; this hands the bytes over directly. The headers are a real Headers
 * (the SDK's errors carry them, classify-error reads retry-after from them).
 */
class BufferedResponse {
  readonly type = 'default';
  readonly redirected = false;
  readonly bodyUsed = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    private readonly bytes: Buffer | null,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** Nothing to stream or cancel: the body was read whole. */
  get body(): null {
    return null;
  }

  text(): Promise<string> {
    return Promise.resolve(this.decoded());
  }

  /** As Response.json(): rejects when the body is not JSON (without an async hop per answer). */
  json(): Promise<unknown> {
    try {
      return Promise.resolve(JSON.parse(this.decoded()) as unknown);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private decoded(): string {
    return this.bytes === null ? '' : this.bytes.toString('utf8');
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.bytes ?? Buffer.alloc(0);
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }

  /** A standard Response with the same status, headers and body, for whoever needs the whole interface. */
  clone(): Response {
    return new Response(this.bytes, { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}

function responseOf(url: string, res: IncomingMessage, body: Buffer): Response {
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
  const status = res.statusCode ?? 500;
  // The SDK reads only the members above; the cast is the one place this stands in for a Response.
  return new BufferedResponse(
    url,
    status,
    res.statusMessage ?? '',
    headers,
    NULL_BODY_STATUSES.has(status) ? null : body,
  ) as unknown as Response;
}

/** A URL as http.request takes it, with what the response reports. */
interface RequestTarget {
  href: string;
  secure: boolean;
  options: ReturnType<typeof urlToHttpOptions>;
  /** As node writes it: IPv6 in brackets, the port unless it is the protocol's default. */
  hostHeader: string;
  /** `Basic ...` from credentials in the URL, as node sends them. */
  basicAuth: string | undefined;
}

function targetOf(href: string): RequestTarget {
  const url = new URL(href);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`keepAliveFetch: unsupported protocol ${url.protocol}`);
  const options = urlToHttpOptions(url);
  const secure = url.protocol === 'https:';
  // url.host is node's Host header: brackets kept, the default port already left out by URL.
  return {
    href: url.href,
    secure,
    options,
    hostHeader: url.host,
    basicAuth: options.auth ? `Basic ${Buffer.from(options.auth).toString('base64')}` : undefined,
  };
}

export function createKeepAliveFetch(): KeepAliveFetch {
  // The SDK asks the same URL every time: it is parsed once, not per request.
  let last: { input: string; target: RequestTarget } | undefined;
  const agents = {
    http: new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxFreeSockets: MAX_IDLE_SOCKETS }),
    https: new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxFreeSockets: MAX_IDLE_SOCKETS }),
  };
  const keepAliveFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const signal = init?.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const href = typeof input === 'string' ? input : input instanceof Request ? input.url : input.href;
      if (last?.input !== href) {
        try {
          last = { input: href, target: targetOf(href) };
        } catch (error) {
          reject(error);
          return;
        }
      }
      const target = last.target;
      const secure = target.secure;
      const body = bodyOf(init);
      const headers = headerLinesOf(init, target, body === undefined ? undefined : Buffer.byteLength(body));
      // Upper case, as fetch sends it (the SDK names its methods in lower case).
      const options = {
        ...target.options,
        method: (init?.method ?? 'GET').toUpperCase(),
        headers,
        agent: secure ? agents.https : agents.http,
      };
      const req = (secure ? httpsRequest : httpRequest)(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(responseOf(target.href, res, Buffer.concat(chunks, size)));
        });
        res.on('error', fail);
      });
      function fail(error: unknown): void {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      }
      function onAbort(): void {
        req.destroy();
        fail(abortError(signal as AbortSignal));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      req.end(body);
    });
  return {
    fetch: keepAliveFetch,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
