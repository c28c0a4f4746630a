import { readFileSync } from 'node:fs';

export interface FdLimit {
  soft: number;
  hard: number;
}

/** RLIMIT_NOFILE of this process, from /proc (Linux); Infinity for "unlimited", undefined elsewhere. */
export function readFdLimit(): FdLimit | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const match = line && /Max open files\s+(\S+)\s+(\S+)/.exec(line);
    if (!match) return undefined;
    const parse = (v: string | undefined): number => (v === 'unlimited' || v === undefined ? Infinity : Number(v));
    return { soft: parse(match[1]), hard: parse(match[2]) };
  } catch {
    return undefined;
  }
}
