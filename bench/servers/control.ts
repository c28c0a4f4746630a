import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { MemorySample, ServerCommand, ServerReply } from '../lib/protocol';
import { WindowProfiler } from './window-profiler';

/** The longest any bench child may live: a wedged bench must not leave processes behind. */
export const CHILD_LIFETIME_MS = 480_000;

export function reply(message: ServerReply): void {
  process.send?.(message);
}

/** Two full collections, then the process's memory: what an idle server really holds. */
export function measureMemory(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/**
 * Serves the orchestrator's commands over IPC. `stop` must close the server and exit normally, so
 * that --cpu-prof can write its profile.
 */
export function serveCommands(handlers: {
  stats: () => { connections: number; liveConversations: number };
  stop: () => Promise<void>;
}): void {
  // The event loop's delay over the measured run (from the worker's start mark to its end mark).
  let loop: IntervalHistogram | undefined;
  const profiler = WindowProfiler.fromEnv();
  // The profile is written before the server stops (the orchestrator reads it then).
  let profileWritten: Promise<void> = Promise.resolve();
  const lifetime = setTimeout(() => process.exit(3), CHILD_LIFETIME_MS);
  lifetime.unref();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const command = raw as ServerCommand;
    if (command.cmd === 'mem') reply({ type: 'mem', memory: measureMemory() });
    else if (command.cmd === 'stats') reply({ type: 'stats', ...handlers.stats() });
    else if (command.cmd === 'cpu') {
      const cpu = process.cpuUsage();
      const micros = cpu.user + cpu.system;
      if (command.mark === 'start') {
        loop?.disable();
        loop = monitorEventLoopDelay({ resolution: 5 });
        loop.enable();
        profiler?.start();
        reply({ type: 'cpu', mark: 'start', micros });
      } else {
        loop?.disable();
        const ms = (ns: number | undefined): number => Math.round((ns ?? 0) / 1e4) / 100;
        const loopDelayMs = loop ? { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) } : undefined;
        reply({ type: 'cpu', mark: 'end', micros, ...(loopDelayMs ? { loopDelayMs } : {}) });
        if (profiler) profileWritten = profiler.stop();
      }
    } else if (command.cmd === 'stop') {
      profileWritten
        .catch((error: unknown) => reply({ type: 'fatal', message: `profile not written: ${String(error)}` }))
        .then(() => handlers.stop())
        .catch(() => undefined)
        .finally(() => process.exit(0));
    }
  });
}
