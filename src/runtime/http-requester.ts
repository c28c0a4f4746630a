import type { HttpMethod } from '../flow/types';

/**
 * The port through which an http block calls out. The runtime builds the request (templates rendered,
 * secrets filled in) and reads the answer; an implementation only moves bytes. The server's one
 * (src/outbound/guarded-requester.ts) checks the address on the connection itself and enforces the
 * size and concurrency limits; `flowbot test` plugs in mocks. Nothing here knows of sockets.
 */
export interface HttpRequest {
  /** The http block that calls: what `flowbot test` answers its mocks by (the server's client ignores it). */
  blockId: string;
  method: HttpMethod;
  /**
   * The exact target, placeholders already percent-encoded. Take the path from the text as it is:
   * a URL parser would resolve dot segments that user text may hold (`%2E%2E`).
   */
  url: string;
  headers: Readonly<Record<string, string>>;
  /** The JSON body, already serialised; absent for GET and for blocks without one. */
  body?: string;
  /** The whole call (queueing, connecting, the answer) must be over by then. */
  timeoutMs: number;
  /** Fires when the conversation leaves the block (a disconnect, a shutdown): the call must stop. */
  signal: AbortSignal;
}

/** Why a call brought back no usable answer; `status` and `invalid_json` are decided by the runtime. */
export const HTTP_FAILURES = ['timeout', 'network', 'blocked', 'too_large'] as const;
export type HttpFailureCode = (typeof HTTP_FAILURES)[number];

/** Every way an http block can fail, as `httpError` says it. */
export type HttpErrorCode = HttpFailureCode | 'status' | 'invalid_json';

export type HttpAnswer =
  /** An answer, whatever its status (redirects are answers too: they are never followed). */
  | { ok: true; status: number; body: string }
  /** `detail`: what went wrong, for the history (no secret may be in it; the runtime masks them anyway). */
  | { ok: false; error: HttpFailureCode; detail: string; status?: number };

export interface HttpRequester {
  /** Never rejects for a failed call: every failure is an answer with `ok: false`. */
  request(request: HttpRequest): Promise<HttpAnswer>;
}
