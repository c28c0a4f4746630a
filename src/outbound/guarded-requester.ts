import { lookup as dnsLookup } from 'node:dns/promises';
import { type ClientRequest, type IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { HttpAnswer, HttpFailureCode, HttpRequest, HttpRequester } from '../runtime/http-requester';
import { Semaphore } from '../util/semaphore';
import { nonPublicRange } from './address-ranges';
import type { AllowedHosts } from './allowed-hosts';
import { type RequestTarget, requestTarget } from './target';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address of a host name, in the resolver's order. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardedRequesterOptions {
  allowedHosts: AllowedHosts;
  /** HTTP_MAX_RESPONSE_BYTES: reading stops past it. */
  maxResponseBytes: number;
  /** HTTP_MAX_CONCURRENT: calls in flight at once; the others wait within their own timeout. */
  maxConcurrent: number;
  /** Default: the system resolver (getaddrinfo), every address. Tests give one that answers what they need. */
  resolve?: Resolver;
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Why an answer is not coming: a failure code and words for the history. */
class CallFailure extends Error {
  constructor(
    readonly code: HttpFailureCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * A lookup that answers one address, already checked, whatever it is asked: handed to the HTTP client
 * so that the connection can only go there. Resolving again when connecting is what DNS rebinding
 * exploits (a first answer that passes the check, a second one that points inside).
 */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as LookupFunction;
}

/**
 * The server's HttpRequester: an http block reaches the public internet, and a non-public address only
 * when HTTP_ALLOWED_HOSTS allows it. The host is resolved once; the first address that passes the check
 * is the only one the connection may use (others, private ones in particular, are never tried). No
 * redirects are followed (a 3xx is an answer like any other), only http: and https:, no user info.
 * Every call has one deadline (waiting for a slot included); an answer is read up to
 * HTTP_MAX_RESPONSE_BYTES, and the socket is destroyed past it.
 */
export class GuardedHttpRequester implements HttpRequester {
  private readonly slots: Semaphore;
  private readonly resolve: Resolver;

  constructor(private readonly options: GuardedRequesterOptions) {
    this.slots = new Semaphore(options.maxConcurrent);
    this.resolve = options.resolve ?? systemResolver;
  }

  /** Calls in flight right now, and calls waiting for a slot. */
  get load(): { inFlight: number; queued: number } {
    return { inFlight: this.slots.inUse, queued: this.slots.queued };
  }

  async request(request: HttpRequest): Promise<HttpAnswer> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new CallFailure('timeout', `no answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    const stop = AbortSignal.any([deadline.signal, request.signal]);
    let release: (() => void) | undefined;
    try {
      const target = requestTarget(request.url);
      if ('problem' in target) throw new CallFailure('blocked', target.problem);
      release = await this.slots.acquire(stop);
      const pinned = await this.checkedAddress(target, stop);
      return await this.send(request, target, pinned, stop);
    } catch (err) {
      const failure = this.failureOf(err, stop);
      return {
        ok: false,
        error: failure.code,
        detail: failure.message,
        ...(failure.status !== undefined ? { status: failure.status } : {}),
      };
    } finally {
      clearTimeout(timer);
      release?.();
    }
  }

  /** What went wrong: the deadline's or the caller's reason when either fired, else a network failure. */
  private failureOf(err: unknown, stop: AbortSignal): CallFailure {
    if (err instanceof CallFailure) return err;
    if (stop.aborted) {
      const reason: unknown = stop.reason;
      return reason instanceof CallFailure ? reason : new CallFailure('network', 'the call was aborted: the conversation left the block');
    }
    const code = (err as NodeJS.ErrnoException).code;
    const message = err instanceof Error ? err.message : String(err);
    return new CallFailure('network', code && !message.includes(code) ? `${code}: ${message}` : message);
  }

  /** Resolves the host once and picks the first address that is public or allowed; `blocked` when there is none. */
  private async checkedAddress(target: RequestTarget, stop: AbortSignal): Promise<ResolvedAddress> {
    const { hostname, port } = target;
    const family = isIP(hostname);
    let addresses: ResolvedAddress[];
    if (family !== 0) addresses = [{ address: hostname, family }];
    else {
      try {
        addresses = await this.resolve(hostname);
      } catch (err) {
        throw new CallFailure('network', `could not resolve ${hostname}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    }
    stop.throwIfAborted();
    const refused: string[] = [];
    for (const candidate of addresses) {
      const range = nonPublicRange(candidate.address);
      if (range === undefined || this.options.allowedHosts.allows(hostname, port, candidate.address)) return candidate;
      refused.push(`${candidate.address} (${range})`);
    }
    if (refused.length === 0) throw new CallFailure('network', `${hostname} has no address`);
    throw new CallFailure(
      'blocked',
      `${hostname}:${port} is not a public address: ${refused.join(', ')}; add it to HTTP_ALLOWED_HOSTS to allow it`,
    );
  }

  private send(request: HttpRequest, target: RequestTarget, pinned: ResolvedAddress, stop: AbortSignal): Promise<HttpAnswer> {
    const options: RequestOptions = {
      method: request.method,
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      headers: { ...request.headers, ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}) },
      lookup: pinnedLookup(pinned),
      // One connection per call, never a pooled socket: each call's address is checked on its own.
      agent: false,
      signal: stop,
    };
    return new Promise<HttpAnswer>((resolve, reject) => {
      const client: ClientRequest = (target.protocol === 'https:' ? httpsRequest : httpRequest)(options, (response) => {
        this.read(response, client, stop).then(resolve, reject);
      });
      client.on('error', reject);
      client.end(request.body);
    });
  }

  /** Reads the answer up to the limit; past it, both directions are closed and the answer is `too_large`. */
  private read(response: IncomingMessage, client: ClientRequest, stop: AbortSignal): Promise<HttpAnswer> {
    const max = this.options.maxResponseBytes;
    const status = response.statusCode ?? 0;
    const tooLarge = (): CallFailure =>
      new CallFailure('too_large', `the answer is larger than ${max} bytes (HTTP_MAX_RESPONSE_BYTES)`, status);
    return new Promise<HttpAnswer>((resolve, reject) => {
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > max) {
        client.destroy();
        reject(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) {
          chunks.length = 0;
          client.destroy();
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ ok: true, status, body: Buffer.concat(chunks).toString('utf8') }));
      // A deadline or an abort destroys the request, and the answer ends with an error: say which.
      const cut = (err: Error): void => reject(stop.aborted ? (stop.reason as Error) : err);
      response.on('error', cut);
      response.on('aborted', () => cut(new CallFailure('network', 'the answer was cut off')));
    });
  }
}
