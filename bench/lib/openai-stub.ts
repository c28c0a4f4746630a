import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the OpenAI Chat Completions endpoint, on 127.0.0.1, for the bench's model path.
 * Every bench message carries `[bench <id> <delay>]` (see load/connection.ts): the stub answers after
 * that many milliseconds, so the client knows the model's own time of each turn and can subtract
 * it. The intent is read from the user's words the way the bench texts are written.
 */
export interface OpenAiStub {
  readonly baseURL: string;
  /** Requests answered since start. */
  readonly answered: number;
  /** TCP connections accepted since start: a client that keeps its sockets alive opens few. */
  readonly connections: number;
  close(): Promise<void>;
}

const MARKER = /\[bench \d+ (\d+)\]/;

function intentOf(body: string): string {
  const user = body.slice(body.lastIndexOf('"role":"user"'));
  if (user.includes('weather')) return 'weather';
  if (user.includes('flight')) return 'travel';
  if (user.includes('restaurant')) return 'restaurants';
  return 'none';
}

function completion(intent: string): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'bench-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: JSON.stringify({ intent }), refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
}

export async function startOpenAiStub(): Promise<OpenAiStub> {
  let answered = 0;
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const delay = Number(MARKER.exec(body)?.[1] ?? 0);
      const answer = completion(intentOf(body));
      setTimeout(() => {
        if (res.destroyed) return;
        answered += 1;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
        res.end(answer);
      }, delay);
    });
  });
  server.maxConnections = 30_000;
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get answered() {
      return answered;
    },
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
