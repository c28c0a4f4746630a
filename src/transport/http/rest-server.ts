import type { Duplex } from 'node:stream';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from 'pino';
import type { DetectService } from '../../services/detect-service';
import type { BotService } from '../../services/bot-service';
import type { ChatService } from '../../services/chat-service';
import type { FlowTestService } from '../../services/test-service';
import type { StatsService } from '../../services/stats-service';
import type { HistoryService } from '../../services/history-service';
import { AppError, errors } from '../../errors';
import { endWithError } from '../raw-error-response';
import { SECURITY_HEADERS } from '../security-headers';
import { createTokenCheck } from '../auth';
import { botRoutes } from './bots-controller';
import { conversationRoutes } from './conversations-controller';
import { describeApi, type WebSocketLimits } from './descriptions';
import { descriptionRoutes } from './descriptions-controller';
import { detectRoutes } from './detect-controller';
import { testRoutes } from './tests-controller';
import { statsRoutes } from './stats-controller';
import { DOCS_CSP, isDocsPath, registerDocsPage } from './docs-page';
import { toErrorResponse } from './error-response';
import { flowRoutes } from './flows-controller';
import { type HealthReport, healthRoute } from './health-controller';
import { registerRoutes, restifyPath } from './routes/register-routes';
import type { AnyRoute } from './routes/route';
import { isWebPath, PAGE_CSP, type PageSettings, registerWebRoutes } from './web-controller';

export interface RestServerDeps {
  logger: Logger;
  bots: BotService;
  /** For erasing a conversation that may be live. */
  chat: ChatService;
  detect: DetectService;
  history: HistoryService;
  tests: FlowTestService;
  stats: StatsService;
  health: () => Promise<HealthReport>;
  apiToken: string | undefined;
  maxBodyBytes: number;
  /** Browser origins allowed to call the API; empty: no CORS headers at all. */
  corsOrigins: string[];
  /** The limits the web chat page needs (served as /assets/settings.json). */
  page: PageSettings;
  /** The WebSocket's limits, for its description (/api/asyncapi.json). */
  ws: WebSocketLimits;
}

/**
 * CORS, off unless origins are configured. Sets the headers for allowed origins and answers preflight
 * requests; returns true when the request was a preflight that has been answered.
 */
function createCors(origins: string[]): (req: Request, res: Response) => boolean {
  if (origins.length === 0) return () => false;
  const any = origins.includes('*');
  return (req, res) => {
    const origin = req.headers.origin;
    if (!origin || (!any && !origins.includes(origin))) return false;
    res.header('Access-Control-Allow-Origin', any ? '*' : origin);
    res.header('Vary', 'Origin');
    res.header('Access-Control-Expose-Headers', 'ETag, Location, X-Flow-Version');
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
    res.header('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
    res.header('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-None-Match');
    res.header('Access-Control-Max-Age', '600');
    return true;
  };
}

/**
 * The web chat page and its assets: the same protections, but a CSP that lets the page load its own
 * scripts and talk to this origin (see PAGE_CSP); the asset routes set their own Cache-Control.
 */
const PAGE_SECURITY_HEADERS: Record<string, string> = {
  ...SECURITY_HEADERS,
  'Content-Security-Policy': PAGE_CSP,
};
const DOCS_SECURITY_HEADERS: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Security-Policy': DOCS_CSP };

function securityHeaders(path: string): Record<string, string> {
  if (isWebPath(path)) return PAGE_SECURITY_HEADERS;
  if (isDocsPath(path)) return DOCS_SECURITY_HEADERS;
  return SECURITY_HEADERS;
}

const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/');

/** Builds the Restify server with every REST route; it does not listen (see createApp / main). */
export function createRestServer(deps: RestServerDeps): Server {
  // maxParamLength (find-my-way's, 100 by default): longer path parameters reach the route, whose
  // schema answers 400 naming the parameter, instead of matching no route at all (404).
  const options: restify.ServerOptions & { maxParamLength: number } = {
    name: 'flowbot',
    log: deps.logger as never,
    ignoreTrailingSlash: true,
    maxParamLength: 2048,
  };
  const server = restify.createServer(options);
  const checkToken = createTokenCheck(deps.apiToken);

  const routes: AnyRoute[] = [];
  const descriptions = describeApi({ routes: () => routes, maxBodyBytes: deps.maxBodyBytes, ws: deps.ws });
  routes.push(
    healthRoute(deps.health),
    ...flowRoutes(deps.bots, deps.maxBodyBytes),
    ...detectRoutes(deps.detect, deps.maxBodyBytes),
    ...botRoutes(deps.bots, deps.maxBodyBytes),
    ...conversationRoutes(deps.history, deps.bots, deps.chat),
    ...testRoutes(deps.tests, deps.bots, deps.maxBodyBytes),
    ...statsRoutes(deps.stats, deps.bots),
    ...descriptionRoutes(descriptions),
  );
  // The /api routes that need no token (the API descriptions), by raw path and by restify route path.
  const openApiPaths = new Set(routes.filter((r) => !r.secured && isApiPath(r.path)).map((r) => r.path));
  const openRoutePaths = new Set([...openApiPaths].map(restifyPath));

  const cors = createCors(deps.corsOrigins);
  server.pre((req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    for (const [name, value] of Object.entries(securityHeaders(path))) res.header(name, value);
    if (cors(req, res)) {
      res.send(204);
      next(false);
      return;
    }
    try {
      // Checked before routing too, so that without a token even unknown /api paths answer 401.
      if (isApiPath(path) && !openApiPaths.has(path)) checkToken(req);
      // The whole URL, query included: a malformed parameter is an error even where no route reads it.
      decodeURIComponent(req.url ?? '');
    } catch (err) {
      next(err instanceof AppError ? err : errors.invalidUrl());
      return;
    }
    next();
  });
  // Checked again on the route the router matched: it normalises paths ("/x/../api/flows",
  // "/./api/flows", "/%61pi/flows"), so a check on the raw URL alone could be walked around.
  server.use((req, _res, next) => {
    const route = String(req.getRoute()?.path ?? '');
    try {
      if (isApiPath(route) && !openRoutePaths.has(route)) checkToken(req);
    } catch (err) {
      next(err);
      return;
    }
    next();
  });

  registerRoutes(server, routes);
  registerWebRoutes(server, { settings: deps.page, logger: deps.logger });
  registerDocsPage(server);

  // Requests Node's HTTP parser rejects (e.g. `Content-Length: abc`, headers over its 16 KiB) never
  // reach restify; answer them in the same error shape and headers instead of Node's bare answer.
  server.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    endWithError(socket, err.code === 'HPE_HEADER_OVERFLOW' ? errors.headersTooLarge() : errors.badRequest());
  });

  // One structured line per request (pino, as restify's own logger).
  server.on('after', (req: Request, res: Response) => {
    deps.logger.info({ method: req.method, url: req.url, status: res.statusCode, ms: Date.now() - req.time() }, 'request');
  });

  // Central error handling: every error a route throws, and restify's own (404, 405), leaves here in
  // the one error shape.
  server.on(
    'restifyError',
    (_req: Request, res: Response, err: Error & { statusCode?: number; toJSON?: () => unknown }, callback: () => void) => {
      const { status, body } = toErrorResponse(err, deps.logger);
      err.statusCode = status;
      err.toJSON = () => body;
      res.header('Content-Type', 'application/json; charset=utf-8');
      if (status === 401) res.header('WWW-Authenticate', 'Bearer realm="flowbot"'); // RFC 7235: a 401 names its scheme
      callback();
    },
  );
  return server;
}
