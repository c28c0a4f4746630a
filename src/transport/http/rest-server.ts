import type { Duplex } from 'node:stream';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from 'pino';
import type { DetectService } from '../../services/detect-service';
import type { FlowService } from '../../services/flow-service';
import type { HistoryService } from '../../services/history-service';
import { AppError, errors } from '../../errors';
import { endWithError } from '../raw-error-response';
import { createTokenCheck } from './auth';
import { registerConversationRoutes } from './conversations-controller';
import { registerDetectRoute } from './detect-controller';
import { toErrorResponse } from './error-response';
import { registerFlowRoutes } from './flows-controller';
import { type HealthReport, registerHealthRoute } from './health-controller';
import { isWebPath, PAGE_CSP, type PageSettings, registerWebRoutes } from './web-controller';

export interface RestServerDeps {
  logger: Logger;
  flows: FlowService;
  detect: DetectService;
  history: HistoryService;
  health: () => Promise<HealthReport>;
  apiToken: string | undefined;
  maxBodyBytes: number;
  /** Browser origins allowed to call the API; empty: no CORS headers at all. */
  corsOrigins: string[];
  /** The limits the web chat page needs (served as /assets/settings.json). */
  page: PageSettings;
}

/** Headers for every API answer: never a page to frame, sniff or cache. */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
};

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
    res.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
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

/** Builds the Restify server with every REST route; it does not listen (see createApp / main). */
export function createRestServer(deps: RestServerDeps): Server {
  const server = restify.createServer({ name: 'flowbot', log: deps.logger as never, ignoreTrailingSlash: true });
  const checkToken = createTokenCheck(deps.apiToken);

  const cors = createCors(deps.corsOrigins);
  server.pre((req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    for (const [name, value] of Object.entries(isWebPath(path) ? PAGE_SECURITY_HEADERS : SECURITY_HEADERS)) res.header(name, value);
    if (cors(req, res)) {
      res.send(204);
      next(false);
      return;
    }
    try {
      // Checked before routing too, so that without a token even unknown /api paths answer 401.
      if (path === '/api' || path.startsWith('/api/')) checkToken(req);
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
      if (route === '/api' || route.startsWith('/api/')) checkToken(req);
    } catch (err) {
      next(err);
      return;
    }
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));

  registerHealthRoute(server, deps.health);
  registerFlowRoutes(server, deps.flows, deps.maxBodyBytes);
  registerDetectRoute(server, deps.detect, deps.maxBodyBytes);
  registerConversationRoutes(server, deps.history);
  registerWebRoutes(server, { settings: deps.page, logger: deps.logger });

  // Requests Node's HTTP parser rejects (e.g. `Content-Length: abc`) never reach restify; answer them
  // in the same error shape instead of Node's bare 400.
  server.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    endWithError(socket, errors.badRequest());
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
