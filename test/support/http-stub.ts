import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the stub received, body included. */
export interface StubRequest {
  method: string;
  /** The request target exactly as sent (path and query). */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type StubHandler = (request: StubRequest, res: ServerResponse, req: IncomingMessage) => void;

/**
 * A real HTTP server on a loopback address and port 0 that plays a flow's service: it records every
 * request (so a test can say "the stub saw nothing") and answers with the handler of the test.
 */
export class HttpStub {
  readonly requests: StubRequest[] = [];
  /** Connections accepted, whether or not a request came through them. */
  connections = 0;
  /** Requests whose connection closed before the answer was complete. */
  aborted = 0;
  handler: StubHandler = (_request, res) => json(res, 200, { ok: true });
  private readonly server: Server;
  private waiters: Array<() => void> = [];

  private constructor(readonly host: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        res.on('close', () => {
          if (!res.writableFinished) this.aborted += 1;
          this.wake();
        });
        this.handler(request, res, req);
        this.wake();
      });
    });
    this.server.on('connection', () => {
      this.connections += 1;
    });
  }

  static async start(host = '127.0.0.1'): Promise<HttpStub> {
    const stub = new HttpStub(host);
    await new Promise<void>((resolve) => stub.server.listen(0, host, resolve));
    return stub;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `http://host:port` */
  get origin(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Resolves once `check()` holds (checked after every request and every closed answer). */
  async until(check: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('the stub did not see what the test waited for');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
