import { readFileSync } from 'node:fs';
import { queryDatabase } from '../../test/support/postgres';

/**
 * CPU time (user + system, µs) that PostgreSQL's backend processes serving one database have used so
 * far, read from /proc/<pid>/stat of each backend pg_stat_activity lists for it. Only meaningful when
 * the server runs on this machine (the bench's is on 127.0.0.1); undefined where /proc cannot be read.
 * It makes the PostgreSQL rows comparable with SQLite's, whose writes cost the server process itself.
 */
const TICKS_PER_SECOND = 100; // USER_HZ, what /proc reports in on Linux

export type BackendTimes = Map<number, number>;

export async function backendCpu(databaseUrl: string): Promise<BackendTimes | undefined> {
  const rows = await queryDatabase<{ pid: number }>(
    databaseUrl,
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const times: BackendTimes = new Map();
  for (const { pid } of rows) {
    try {
      // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th, stime the 15th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      times.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND);
    } catch {
      return undefined;
    }
  }
  return times;
}

/** CPU used between two readings, by backends alive at the end (a backend started in between counts whole). */
export function cpuBetween(start: BackendTimes, end: BackendTimes): number {
  let total = 0;
  for (const [pid, micros] of end) total += micros - (start.get(pid) ?? 0);
  return total;
}
