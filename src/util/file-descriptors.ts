import { readdirSync, readFileSync } from 'node:fs';

/**
 * The process's open-file budget, from Linux's /proc (undefined elsewhere, or when /proc is not
 * mounted). Every socket is a file descriptor: a server that runs out of them cannot accept a
 * connection, and libuv then accepts and closes it at once (its "EMFILE trick") without telling
 * Node, so nothing would ever be logged.
 */

/** The soft limit on open files (`ulimit -n`). */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === 'unlimited') return Infinity;
    const value = Number(soft);
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** How many files (sockets included) the process has open right now. */
export function openFileCount(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/**
 * How many more connections the process can hold while keeping a reserve of descriptors for
 * everything else (the database and its WAL, outbound HTTP to an LLM, files read at run time):
 * 5% of the limit, at least 16 and at most 256. Undefined when the budget cannot be known.
 */
export function connectionBudget(limit: number | undefined, open: number | undefined): number | undefined {
  if (limit === undefined || open === undefined || limit === Infinity) return undefined;
  const reserve = Math.min(256, Math.max(16, Math.ceil(limit * 0.05)));
  return Math.max(1, limit - open - reserve);
}
