import { readFileSync } from 'node:fs';
import type { CpuProfile } from './cpuprofile';

const IDLE = 'idle';
const PROFILER = 'the profiler itself (starting and stopping it)';

/**
 * Where a server's CPU time goes, by what it was doing rather than by the function on top of the
 * stack: SQLite's native work shows as the self time of the JavaScript that called `.run()`, and the
 * classifier runs inside XState's actions, so both are told by any frame of the stack. The rest goes
 * by the function the sample was in. Order matters: the first rule that matches wins.
 */
const STACK_RULES: ReadonlyArray<{ category: string; matches: (url: string, name: string) => boolean }> = [
  // The window profiler's own start and stop: not the server's work, shown apart.
  { category: PROFILER, matches: (url) => url === 'node:inspector' },
  {
    category: 'storage (SQLite or PostgreSQL driver, flowbot storage)',
    matches: (url) => url.includes('better-sqlite3') || url.includes('/src/storage/') || url.includes('node_modules/pg'),
  },
  { category: 'local classifier', matches: (url) => url.includes('/src/intent/local/') || url.includes('node_modules/wink-') },
  {
    category: 'model call (HTTP client, openai SDK, answer parsing)',
    matches: (url, name) =>
      url.includes('node_modules/openai/') ||
      url.includes('/src/intent/openai/') ||
      url.includes('/src/intent/resilience/') ||
      url.startsWith('node:_http_client') ||
      url.startsWith('node:_http_agent') ||
      url.startsWith('node:_http_outgoing') ||
      (url.includes('floor-server') && name === 'detect'),
  },
];

const SOCKET_WRITES = new Set(['writev', 'writeUtf8String', 'writeLatin1String', 'writeBuffer', 'writeAsciiString']);

function categoryOfLeaf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)' || url === '') return SOCKET_WRITES.has(name) ? 'socket writes' : 'V8 and native, unattributed';
  if (url.includes('node_modules/xstate/')) return 'XState';
  if (url.includes('node_modules/ws/')) return 'ws library';
  const src = /\/src\/([a-z-]+)\//.exec(url);
  if (src) return `flowbot ${src[1] ?? ''}`;
  if (url.includes('/bench/servers/')) return 'bench server code';
  if (url.startsWith('node:')) return 'Node core, other';
  return 'other packages';
}

export interface CategoryShare {
  category: string;
  /** Share of the profile's busy time, 0-1. */
  share: number;
}

/** The busy time of a .cpuprofile (idle excluded) by category, largest first. */
export function categoriseProfile(path: string): CategoryShare[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const categoryOfNode = new Map<number, string>();
  const categoryOf = (id: number): string => {
    const known = categoryOfNode.get(id);
    if (known !== undefined) return known;
    const leaf = byId.get(id)?.callFrame;
    let category = !leaf || leaf.functionName === '(idle)' ? IDLE : undefined;
    for (const rule of STACK_RULES) {
      if (category !== undefined) break;
      for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
        const frame = byId.get(at)?.callFrame;
        if (frame && rule.matches(frame.url, frame.functionName)) {
          category = rule.category;
          break;
        }
      }
    }
    category ??= leaf ? categoryOfLeaf(leaf.url, leaf.functionName) : IDLE;
    categoryOfNode.set(id, category);
    return category;
  };
  const us = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i += 1) {
    // As in summariseProfile: the delta before sample i goes to sample i.
    const category = categoryOf(samples[i] as number);
    us.set(category, (us.get(category) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  us.delete(IDLE);
  const busy = [...us.values()].reduce((a, b) => a + b, 0) || 1;
  return [...us.entries()].map(([category, t]) => ({ category, share: t / busy })).sort((a, b) => b.share - a.share);
}
