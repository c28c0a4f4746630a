import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible stub on 127.0.0.1 (random port) for offline tests with the real SDK. It
 * records every request and answers from a script: replies queued with `enqueue` are used first,
 * then the `handler` (default: a 500), so a test says exactly what the "provider" does.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when the body was not JSON). */
  body: unknown;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** True once the client went away before the stub answered (aborted or timed out). */
  aborted: boolean;
  /** Resolves when the client closed the connection without waiting for an answer. */
  whenAborted: Promise<void>;
}

export type StubReply =
  /** Any status and JSON body, with optional extra headers. */
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** A body that is not JSON at all, e.g. an HTML error page. */
  | { kind: 'text'; status: number; body: string }
  /** Never answer; the socket stays open until the client gives up or the stub closes. */
  | { kind: 'hang' };

export type StubHandler = (request: RecordedRequest, index: number) => StubReply;

export interface CompletionOptions {
  content?: string | null;
  refusal?: string | null;
  finishReason?: 'stop' | 'length' | 'content_filter';
}

/** A chat.completion body as OpenAI sends it. */
export function completion({ content = null, refusal = null, finishReason = 'stop' }: CompletionOptions): unknown {
  return {
    id: 'chatcmpl-stub',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'stub-model',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/** Replies for the common cases. */
export const reply = {
  intent: (intent: string): StubReply => ({ kind: 'json', status: 200, body: completion({ content: JSON.stringify({ intent }) }) }),
  content: (content: string | null, finishReason: CompletionOptions['finishReason'] = 'stop'): StubReply => ({
    kind: 'json',
    status: 200,
    body: completion({ content, finishReason }),
  }),
  refusal: (refusal: string): StubReply => ({ kind: 'json', status: 200, body: completion({ refusal }) }),
  error: (status: number, headers: Record<string, string> = {}, message = `stub error ${status}`): StubReply => ({
    kind: 'json',
    status,
    headers,
    body: { error: { message, type: 'stub_error', param: null, code: null } },
  }),
  hang: (): StubReply => ({ kind: 'hang' }),
};

export class OpenAiStubServer {
  readonly requests: RecordedRequest[] = [];
  handler: StubHandler = () => reply.error(500, {}, 'no reply scripted');

  private readonly queue: StubReply[] = [];
  private readonly server: Server;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<OpenAiStubServer> {
    const server = createServer();
    const stub = new OpenAiStubServer(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => stub.handle(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The baseURL to give the SDK. */
  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  enqueue(...replies: StubReply[]): void {
    this.queue.push(...replies);
  }

  /** Resolves once `count` requests have arrived in total. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Stops listening and cuts every connection, including held ones. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(method: string, path: string, headers: IncomingHttpHeaders, raw: Buffer, res: ServerResponse): void {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = undefined;
    }
    let markAborted: () => void = () => undefined;
    const recorded: RecordedRequest = {
      method,
      path,
      headers,
      body,
      receivedAt: Date.now(),
      aborted: false,
      whenAborted: new Promise<void>((resolve) => {
        markAborted = resolve;
      }),
    };
    // 'close' before the response finished means the client hung up on us.
    res.on('close', () => {
      if (!res.writableFinished) {
        recorded.aborted = true;
        markAborted();
      }
    });
    const index = this.requests.length;
    this.requests.push(recorded);
    for (const waiter of this.waiters.filter((w) => this.requests.length >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }

    const answer = this.queue.shift() ?? this.handler(recorded, index);
    switch (answer.kind) {
      case 'hang':
        return;
      case 'text':
        res.writeHead(answer.status, { 'content-type': 'text/html' });
        res.end(answer.body);
        return;
      case 'json':
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
        return;
    }
  }
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
