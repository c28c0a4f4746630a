import type { Clock } from '../../util/clock';
import { LruCache } from '../../util/lru';

/**
 * The primary detector's successful answers, least recently used first out, each for a limited time.
 * Users repeat themselves ("yes", "bye", "weather"), and the same block + the same words give the
 * same intent, so a hit saves a paid, slow network call. Entries expire so that a model or prompt
 * change shows up without a restart; the key includes the flow version (cacheKey), so editing a flow
 * never serves stale answers.
 */

export interface AnswerCacheOptions {
  /** Most entries kept; the least recently used one is evicted beyond it. Default 1000. */
  maxEntries?: number;
  /** How long an entry stays valid. Default 10 minutes. */
  ttlMs?: number;
  /** Its monotonic time decides expiry. Default: the system clock. */
  clock?: Clock;
}

export const DEFAULT_CACHE_MAX_ENTRIES = 1000;
export const DEFAULT_CACHE_TTL_MS = 10 * 60_000;

/** Lower-cased, trimmed, whitespace collapsed: "  Will it   RAIN? " and "will it rain?" share an entry. */
export function normaliseText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

export class AnswerCache<V> {
  private readonly entries: LruCache<string, V>;

  constructor(options: AnswerCacheOptions = {}) {
    this.entries = new LruCache({
      maxEntries: options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES,
      ttlMs: options.ttlMs ?? DEFAULT_CACHE_TTL_MS,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(cacheKey: string, text: string): V | undefined {
    return this.entries.get(entryKey(cacheKey, text));
  }

  set(cacheKey: string, text: string, value: V): void {
    this.entries.set(entryKey(cacheKey, text), value);
  }

  clear(): void {
    this.entries.clear();
  }
}

function entryKey(cacheKey: string, text: string): string {
  // NUL cannot appear in a flow version or block id, so the two parts never run into each other.
  return `${cacheKey}\u0000${normaliseText(text)}`;
}
