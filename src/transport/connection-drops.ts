import type { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import { BurstLog } from '../util/burst-log';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';

export interface ConnectionDropOptions {
  logger: Pick<Logger, 'warn' | 'error'>;
  /**
   * Most open connections (HTTP and WebSocket together) before new ones are refused: the process's
   * open-file budget (util/file-descriptors.ts). Unset: no limit of our own.
   */
  maxSockets?: number;
  /** The open-file limit the budget came from, for the log. */
  openFileLimit?: number;
  clock?: Clock;
  /** One line per window at most; default 60 s. */
  windowMs?: number;
}

export interface ConnectionDrops {
  /** Writes the summary of drops not yet logged (shutdown). */
  close(): void;
}

/**
 * Makes connections lost to a lack of file descriptors visible. When a process is out of descriptors,
 * libuv accepts each new connection and closes it at once (so that it does not spin on the listening
 * socket) and tells Node nothing: the client sees a reset, the log nothing. So the server keeps its
 * own limit a reserve below the descriptor limit (`maxSockets`): Node then closes the connections over
 * it itself and emits 'drop', which is logged. The rare EMFILE/ENFILE that libuv does report (when it
 * had no spare descriptor for its trick) arrives as an 'error' on the server and is logged the same way.
 * A burst of drops is one line, then one summary per window.
 *
 * `errors` is the emitter the server's 'error' events reach: restify re-emits them on itself, where an
 * 'error' nobody listens to is thrown, and would stop the process.
 */
export function watchConnectionDrops(server: Server, errors: EventEmitter, options: ConnectionDropOptions): ConnectionDrops {
  const { maxSockets, openFileLimit } = options;
  if (maxSockets !== undefined) server.maxConnections = maxSockets;
  const limits = { maxSockets: maxSockets ?? null, openFileLimit: openFileLimit ?? null };
  const advice = 'raise the open-file limit (ulimit -n, or --ulimit nofile= for Docker) or lower MAX_CONNECTIONS';
  const log = new BurstLog({
    logger: options.logger,
    windowMs: options.windowMs ?? 60_000,
    ...(options.clock ? { clock: options.clock } : {}),
    summary: ({ count, byKind, sinceMs }) => ({
      fields: { ...limits, dropped: count, reasons: byKind, sinceSeconds: Math.round(sinceMs / 1000) },
      message: `${count} more connection(s) dropped in the last ${Math.round(sinceMs / 1000)} s for lack of file descriptors; ${advice}`,
    }),
  });
  server.on('drop', () => {
    log.report(
      'connection_limit',
      { ...limits, dropped: 1, reason: 'connection_limit' },
      `a new connection was dropped: ${maxSockets} connections are open, as many as the open-file limit (${openFileLimit ?? '?'}) allows ` +
        `with a reserve for the database and outbound calls; ${advice}. Further drops are summarised`,
    );
  });
  errors.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EMFILE' && err.code !== 'ENFILE') {
      // Before listening, listen() reports its own failure (a port in use); after, say what happened.
      if (server.listening) options.logger.error({ err }, 'HTTP server error');
      return;
    }
    log.report(
      err.code,
      { ...limits, dropped: 1, reason: err.code, syscall: err.syscall ?? null },
      `a new connection was dropped: the process is out of file descriptors (${err.code}); ${advice}. Further drops are summarised`,
    );
  });
  return { close: () => log.close() };
}
