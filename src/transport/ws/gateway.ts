import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ChatService } from '../../services/chat-service';
import { CLOSE_CODES, errors } from '../../errors';
import type { Clock } from '../../util/clock';
import { endWithError } from '../raw-error-response';
import { ChatConnection, type ConnectionLimits, type ConnectionLogger } from './chat-connection';

export interface GatewayOptions {
  chat: ChatService;
  logger: ConnectionLogger;
  /** Largest frame accepted; bigger ones close the connection with 1009. */
  maxPayloadBytes: number;
  /** Ping interval; a peer that has not answered the previous ping is dropped. */
  heartbeatMs: number;
  /** Open connections in total; beyond it the upgrade is refused with 503. */
  maxConnections: number;
  connection: ConnectionLimits;
  clock?: Clock;
}

export interface Gateway {
  readonly connections: number;
  close(): Promise<void>;
}

export const WS_PATH = '/ws';

/**
 * Serves the chat WebSocket on the HTTP server's port, at /ws only (ws in noServer mode, through the
 * `upgrade` event). Every connection gets a ChatConnection; heartbeats drop dead peers.
 */
export function attachGateway(httpServer: HttpServer, options: GatewayOptions): Gateway {
  // perMessageDeflate off: chat frames are small, and compression costs CPU and memory per socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      endWithError(socket, errors.invalidUrl());
      return;
    }
    if (url.pathname !== WS_PATH) {
      endWithError(socket, errors.notFound(`WebSocket endpoint ${url.pathname} (the chat is at ${WS_PATH})`));
      return;
    }
    if (wss.clients.size >= options.maxConnections) {
      endWithError(socket, errors.tooManyConnections());
      return;
    }
    const conversationId = url.searchParams.get('conversationId') || undefined;
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      // `ws` writes to this same socket; ChatConnection corks it around each turn's frames.
      const output = socket instanceof Socket ? socket : undefined;
      void new ChatConnection(ws, options.chat, options.logger, options.connection, options.clock, output).open(conversationId);
    });
  };
  httpServer.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  return {
    get connections() {
      return wss.clients.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        httpServer.off('upgrade', onUpgrade);
        for (const ws of wss.clients) ws.close(CLOSE_CODES.goingAway, 'server shutting down');
        wss.close(() => resolve());
      }),
  };
}
