import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server as RestServer } from 'restify';
import type { Logger } from 'pino';
import { flowLimitsOf } from './config/limits';
import type { Settings } from './config/settings';
import { AppError, errors } from './errors';
import type { ConfiguredDetector } from './intent/create-detector';
import { RETENTION_SWEEP_MS } from './config/limits';
import { BotService } from './services/bot-service';
import { ChatService } from './services/chat-service';
import { ErasureService } from './services/erasure-service';
import { DetectService } from './services/detect-service';
import { FlowMachineCache } from './services/flow-machines';
import type { FlowService } from './services/flow-service';
import { HistoryService } from './services/history-service';
import { FlowTestService } from './services/test-service';
import { StatsService } from './services/stats-service';
import { LocalIntentClassifier } from './intent/local';
import { OutboundCalls } from './services/outbound-calls';
import { guardedRequester, httpCallSettings } from './outbound';
import type { HttpRequester } from './runtime/http-requester';
import type { Storage } from './storage/repositories';
import { watchConnectionDrops } from './transport/connection-drops';
import type { HealthReport } from './transport/http/health-controller';
import { createRestServer } from './transport/http/rest-server';
import { attachGateway, type Gateway } from './transport/ws/gateway';
import { type Clock, systemClock } from './util/clock';

export interface AppDeps {
  settings: Settings;
  storage: Storage;
  intent: ConfiguredDetector;
  logger: Logger;
  clock?: Clock;
  /** Stored as version 1 when the database has no flow yet. */
  defaultFlowSource?: string;
  /**
   * The most connections the process's file descriptors allow (see util/file-descriptors.ts), and the
   * limit that budget came from: beyond it new connections are refused and logged instead of being
   * dropped silently by libuv. Unset: no limit of our own (tests, platforms without /proc).
   */
  sockets?: { max: number; openFileLimit?: number };
  /**
   * How http blocks call out. Default: the guarded client of the settings (the address guard,
   * HTTP_ALLOWED_HOSTS, the size and concurrency limits); `flowbot test` and tests plug in their own.
   */
  httpRequester?: HttpRequester;
}

export interface App {
  readonly rest: RestServer;
  readonly httpServer: HttpServer;
  /** The `default` bot's versions. */
  readonly flows: FlowService;
  readonly bots: BotService;
  readonly chat: ChatService;
  readonly gateway: Gateway;
  /** Applies RETENTION_DAYS now (it also runs every hour when set); returns how many conversations were erased. */
  applyRetention(): Promise<number>;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, closes sockets with 1001, stops conversations. Does not close the storage. */
  close(): Promise<void>;
}

/**
 * The composition root: wires services, REST and the WebSocket gateway from the dependencies it is
 * given (so tests pass a temporary database, a fake detector or a fixed clock). Listening and process
 * concerns (signals, settings from the environment) live in main.ts.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { settings, storage, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.monotonic();
  const outbound = new OutboundCalls(logger, clock);
  const http = httpCallSettings(settings, deps.httpRequester ?? guardedRequester(settings), outbound.record);
  const erasure = new ErasureService(storage.conversations, clock);
  const bots: BotService = new BotService(
    storage,
    new FlowMachineCache(deps.intent.detector, undefined, clock, http),
    clock,
    flowLimitsOf(settings),
    erasure,
    // Called only once the app is built (a DELETE request): the chat service is made below, from the bots.
    (bot): boolean => chat.hasLive(bot),
    (name) => Object.hasOwn(settings.secrets, name),
  );
  const flows = bots.defaultFlows;
  const defaultFlowSource = deps.defaultFlowSource;
  if (defaultFlowSource) {
    try {
      // On one instance at a time: instances starting together on an empty database store it once.
      const seeded = await storage.exclusive('default-flow', () => flows.ensureDefault(defaultFlowSource));
      if (seeded !== undefined) logger.info({ version: seeded }, 'stored the bundled default flow');
    } catch (err) {
      // E.g. limits set below what the bundled flow needs: start anyway, say why there is no flow.
      if (!(err instanceof AppError)) throw err;
      logger.warn(
        { code: err.code, errors: err.errors },
        `the bundled default flow was not stored: ${err.message}; upload a flow with POST /api/flows`,
      );
    }
  }
  const history = new HistoryService(storage.conversations);
  /** For conversation tests with `"intents": "local"`; created on first use. */
  let localClassifier: LocalIntentClassifier | undefined;
  const chat: ChatService = new ChatService(
    (bot): Promise<FlowService> => bots.flows(bot),
    storage.conversations,
    clock,
    logger,
    undefined,
    {
      owner: settings.instanceId,
      events: storage.events,
      exclusive: (job, run) => storage.exclusive(job, run),
      idleTimeoutMs: settings.idleTimeoutMs,
    },
  );
  // Versions uploaded or activated on another instance are compiled here ahead of their first
  // conversation; a bot deleted there is forgotten here (a new bot of that id numbers from 1 again).
  const stopHearingFlows = storage.events.subscribe((event) => {
    if (event.type !== 'flow_changed') return;
    if (event.change === 'deleted') {
      bots.forget(event.bot);
      return;
    }
    const { version } = event;
    if (version === undefined) return;
    bots
      .flows(event.bot)
      .then((service) => service.machine(version))
      .catch((err: unknown) => logger.warn({ err, bot: event.bot, version }, 'could not compile a flow version ahead'));
  });
  // A deletion may have been missed while the listener was away: what another bot's id means is read again.
  const stopResync = storage.events.onResync(() => bots.forgetAllButDefault());

  // Ready means a new conversation can be served: the database takes writes and a flow is stored.
  // Without a flow every /ws connection is closed with no_flow, so saying "ok" would be false.
  const health = async (): Promise<HealthReport> => {
    let database = await storage.ping();
    let flowVersion: number | null = null;
    if (database) {
      try {
        flowVersion = (await flows.currentVersion()) ?? null;
      } catch {
        database = false;
      }
    }
    const problem = !database
      ? { status: 'unavailable' as const, reason: errors.storageUnavailable.code, message: 'the database does not take writes right now' }
      : flowVersion === null
        ? { status: 'not_ready' as const, reason: errors.noFlow.code, message: errors.noFlow.description }
        : undefined;
    return {
      ...(problem ?? { status: 'ok' as const }),
      storage: storage.kind,
      instance: settings.instanceId,
      database: database ? 'ok' : 'unavailable',
      flowVersion,
      intent: deps.intent.status(),
      http: outbound.report(),
      connections: gateway.connections,
      liveConversations: chat.liveCount,
      uptimeSeconds: Math.round((clock.monotonic() - startedAt) / 1000),
    };
  };

  const rest = createRestServer({
    logger,
    bots,
    chat,
    detect: new DetectService((bot) => bots.flows(bot), deps.intent.detector, settings.limits.maxMessageChars),
    history,
    stats: new StatsService(storage.stats),
    tests: new FlowTestService(
      (bot) => bots.flows(bot),
      history,
      () => (localClassifier ??= new LocalIntentClassifier()),
    ),
    health,
    apiToken: settings.apiToken,
    maxBodyBytes: settings.limits.maxBodyBytes,
    corsOrigins: settings.corsOrigins,
    page: { maxMessageChars: settings.limits.maxMessageChars, maxFrameBytes: settings.limits.wsMaxPayloadBytes },
    ws: {
      maxMessageChars: settings.limits.maxMessageChars,
      maxPayloadBytes: settings.limits.wsMaxPayloadBytes,
      messagesPerSecond: settings.limits.messagesPerSecond,
      messageBurst: settings.limits.messageBurst,
      heartbeatMs: settings.heartbeatMs,
    },
  });
  const httpServer = rest.server as HttpServer;
  const { limits } = settings;
  const gateway = attachGateway(httpServer, {
    chat,
    logger,
    maxPayloadBytes: limits.wsMaxPayloadBytes,
    heartbeatMs: settings.heartbeatMs,
    maxConnections: limits.maxConnections,
    clock,
    apiToken: settings.apiToken,
    connection: {
      maxMessageChars: limits.maxMessageChars,
      messagesPerSecond: limits.messagesPerSecond,
      messageBurst: limits.messageBurst,
      maxBufferedBytes: limits.maxBufferedBytes,
    },
  });

  const drops = watchConnectionDrops(httpServer, rest, {
    logger,
    clock,
    ...(deps.sockets ? { maxSockets: deps.sockets.max, openFileLimit: deps.sockets.openFileLimit } : {}),
  });
  if (deps.sockets && deps.sockets.max < limits.maxConnections) {
    logger.warn(
      { maxConnections: limits.maxConnections, socketBudget: deps.sockets.max, openFileLimit: deps.sockets.openFileLimit ?? null },
      `MAX_CONNECTIONS=${limits.maxConnections}, but the open-file limit leaves room for about ${deps.sockets.max} connections; ` +
        'beyond that they are refused (and logged). Raise ulimit -n to allow more',
    );
  }

  // Idle expiry: checked a few times per timeout, at most once a minute.
  const sweepEvery = Math.min(60000, Math.max(250, Math.floor(settings.idleTimeoutMs / 4)));
  const sweeper = setInterval(() => {
    chat.expireIdle(settings.idleTimeoutMs).then(
      (count) => {
        if (count > 0) logger.info({ count }, 'marked idle conversations as abandoned');
      },
      (err: unknown) => logger.warn({ err }, 'could not expire idle conversations'),
    );
  }, sweepEvery);
  sweeper.unref();

  // Retention: erases ended and abandoned conversations older than RETENTION_DAYS, in small batches.
  const applyRetention = async (): Promise<number> => {
    const days = settings.retentionDays;
    if (days === undefined) return 0;
    // On one instance at a time: another one applying it now leaves nothing for this one.
    const count = (await storage.exclusive('retention', () => erasure.eraseOlderThan(days))) ?? 0;
    logger.info({ count, retentionDays: days }, `erased ${count} conversation(s) past RETENTION_DAYS`);
    return count;
  };
  const retain = (): void => {
    applyRetention().catch((err: unknown) => logger.warn({ err }, 'could not apply RETENTION_DAYS'));
  };
  const retention = settings.retentionDays === undefined ? undefined : setInterval(retain, RETENTION_SWEEP_MS);
  retention?.unref();
  // Once at start too (a server restarted more often than hourly would otherwise never apply it); its
  // first batch runs now, before any request, and the rest yield to them.
  if (retention) retain();

  return {
    rest,
    httpServer,
    flows,
    bots,
    chat,
    gateway,
    applyRetention,
    listen: (port, host) =>
      new Promise<AddressInfo>((resolve, reject) => {
        // restify re-emits the HTTP server's 'error' on itself: without a listener there, a port in
        // use would be an uncaught exception instead of a rejection.
        const failed = (err: Error): void => {
          rest.off('error', failed);
          reject(err);
        };
        rest.once('error', failed);
        rest.listen(port, host, () => {
          rest.off('error', failed);
          resolve(httpServer.address() as AddressInfo);
        });
      }),
    close: async () => {
      clearInterval(sweeper);
      clearInterval(retention);
      stopHearingFlows();
      stopResync();
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await gateway.close();
      chat.close();
      httpServer.closeIdleConnections();
      await closed;
      drops.close();
      outbound.close();
      deps.intent.close?.();
    },
  };
}
