/**
 * The physical limit: a raw `ws` server that sends every frame back as it came, and nothing else.
 * Same library, same loopback, same frame sizes as flowbot; no JSON, no state machine, no storage.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { reply, serveCommands } from './control';

const http = createServer();
// The same maxPayload and (absent) compression as flowbot's gateway, so only the work differs.
const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false, maxPayload: 65536 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => undefined);
});

serveCommands({
  stats: () => ({ connections: wss.clients.size, liveConversations: 0 }),
  stop: () =>
    new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => http.close(() => resolve()));
    }),
});

http.listen(0, '127.0.0.1', () => reply({ type: 'ready', port: (http.address() as AddressInfo).port, pid: process.pid }));
