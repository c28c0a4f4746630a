import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  name: string;
  /** Where it is: the path below node_modules or the repo, and the line. */
  location: string;
  selfMs: number;
  selfPercent: number;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('dist-bench/');
  if (dist >= 0) return url.slice(dist + 'dist-bench/'.length);
  return url.replace(/^file:\/\//, '') || '(native)';
}

/**
 * Self time per function of a V8 .cpuprofile (as written by node --cpu-prof), merged by name and
 * location, highest first. Self time is summed from the sample time deltas of each node.
 */
export function summariseProfile(
  path: string,
  top = 25,
): { totalMs: number; functions: HotFunction[]; byPackage: Array<{ name: string; selfPercent: number }> } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i += 1) {
    const id = samples[i] as number;
    // Each delta is the time before sample i; attributing it to sample i is V8's own convention.
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const merged = new Map<string, HotFunction>();
  const packages = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const location = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${functionName}@${location}`;
    const entry = merged.get(key) ?? { name: functionName || '(anonymous)', location, selfMs: 0, selfPercent: 0 };
    entry.selfMs += us / 1000;
    merged.set(key, entry);
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const functions = [...merged.values()]
    .map((f) => ({ ...f, selfMs: Math.round(f.selfMs * 10) / 10, selfPercent: Math.round((f.selfMs * 1000 * 1000) / total) / 10 }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  const byPackage = [...packages.entries()]
    .map(([name, us]) => ({ name, selfPercent: Math.round((us * 1000) / total) / 10 }))
    .sort((a, b) => b.selfPercent - a.selfPercent);
  return { totalMs: Math.round(total / 1000), functions, byPackage };
}

/** Which package (or flowbot folder, or V8/Node internals) a function belongs to. */
function packageOf(url: string, name: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return (rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : rest[0]) ?? '?';
  }
  const src = url.indexOf('dist-bench/src/');
  if (src >= 0) return `flowbot ${url.slice(src + 'dist-bench/src/'.length).split('/')[0] ?? ''}`;
  if (url.startsWith('node:')) return 'node core';
  if (name === '(garbage collector)') return '(gc)';
  if (name === '(idle)' || name === '(program)') return name;
  return url ? 'other' : '(native / V8)';
}
