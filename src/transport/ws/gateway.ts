import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { isBotId } from '../../services/bot-service';
import type { ChatService, OpenRequest } from '../../services/chat-service';
import { type AppError, CLOSE_CODES, errors } from '../../errors';
import { MAX_VERSION } from '../http/routes/parameters';
import { bearerToken, createTokenMatcher } from '../auth';
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
  /** API_TOKEN: when set, a preview (`?version=`) needs it. */
  apiToken?: string | undefined;
}

export interface Gateway {
  readonly connections: number;
  close(): Promise<void>;
}

export const WS_PATH = '/ws';

/** The subprotocol prefix that carries the API token from a browser, which cannot set headers on a WebSocket. */
export const BEARER_PROTOCOL_PREFIX = 'bearer.';

const VERSION_TEXT = /^[1-9]\d{0,9}$/;

/** What the query asks for: `conversationId`, or `bot` and `version`; a malformed one is refused. */
function readOpenRequest(url: URL): OpenRequest | AppError {
  const conversationId = url.searchParams.get('conversationId') || undefined;
  if (conversationId !== undefined) return { conversationId };
  const bot = url.searchParams.get('bot') || undefined;
  if (bot !== undefined && !isBotId(bot))
    return errors.invalidParameter('bot must be a bot id (a letter, then letters, digits, "_" or "-")');
  const versionText = url.searchParams.get('version') || undefined;
  if (versionText !== undefined && (!VERSION_TEXT.test(versionText) || Number(versionText) > MAX_VERSION)) {
    return errors.invalidParameter(`version must be a whole number from 1 to ${MAX_VERSION}`);
  }
  return { ...(bot !== undefined ? { bot } : {}), ...(versionText !== undefined ? { version: Number(versionText) } : {}) };
}

/** The tokens offered as `bearer.<token>` subprotocols. */
function offeredTokens(protocols: Iterable<string>): string[] {
  return [...protocols].filter((p) => p.startsWith(BEARER_PROTOCOL_PREFIX)).map((p) => p.slice(BEARER_PROTOCOL_PREFIX.length));
}

/** The Sec-WebSocket-Protocol values of a request, as ws reads them. */
function requestProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  return header === undefined
    ? []
    : header
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
}

/**
 * Serves the chat WebSocket on the HTTP server's port, at /ws only (ws in noServer mode, through the
 * `upgrade` event). Every connection gets a ChatConnection; heartbeats drop dead peers.
 */
export function attachGateway(httpServer: HttpServer, options: GatewayOptions): Gateway {
  // perMessageDeflate off: chat frames are small, and compression costs CPU and memory per socket.
  // The server must accept the `bearer.<token>` subprotocol a browser offers, or the browser fails the
  // connection; otherwise the first one offered, as ws does by default.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX)) ?? [...protocols][0] ?? false,
  });
  const tokenMatches = createTokenMatcher(options.apiToken);
  // A preview runs any stored version, drafts included: it needs the API token when one is set. The
  // token is read from the header or the subprotocol and never logged (nor is either header).
  const mayPreview = (req: IncomingMessage): boolean =>
    !options.apiToken || tokenMatches(bearerToken(req)) || offeredTokens(requestProtocols(req)).some((token) => tokenMatches(token));
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
    const request = readOpenRequest(url);
    if (request instanceof Error) {
      endWithError(socket, request);
      return;
    }
    if (request.version !== undefined && !mayPreview(req)) {
      endWithError(socket, errors.unauthorized());
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      void new ChatConnection(ws, options.chat, options.logger, options.connection, options.clock).open(request);
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
