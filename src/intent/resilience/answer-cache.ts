/**
 * An LRU cache with a TTL for the primary detector's successful answers. Users repeat themselves
 * ("yes", "bye", "weather"), and the same block + the same words give the same intent, so a hit
 * saves a paid, slow network call. Entries expire so that a model or prompt change shows up
 * without a restart; the key includes the flow version (cacheKey), so editing a flow never serves
 * stale answers.
 */

export interface AnswerCacheOptions {
  /** Most entries kept; the least recently used one is evicted beyond it. Default 1000. */
  maxEntries?: number;
  /** How long an entry stays valid. Default 10 minutes. */
  ttlMs?: number;
  /** Clock in ms, injectable for tests. Default Date.now. */
  now?: () => number;
}

export const DEFAULT_CACHE_MAX_ENTRIES = 1000;
export const DEFAULT_CACHE_TTL_MS = 10 * 60_000;

/** Lower-cased, trimmed, whitespace collapsed: "  Will it   RAIN? " and "will it rain?" share an entry. */
export function normaliseText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class AnswerCache<V> {
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  // A Map iterates in insertion order: re-inserting on every hit keeps the LRU entry first.
  private readonly entries = new Map<string, Entry<V>>();

  constructor(options: AnswerCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
    this.ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(cacheKey: string, text: string): V | undefined {
    const key = entryKey(cacheKey, text);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(cacheKey: string, text: string, value: V): void {
    const key = entryKey(cacheKey, text);
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

function entryKey(cacheKey: string, text: string): string {
  // NUL cannot appear in a flow version or block id, so the two parts never run into each other.
  return `${cacheKey}\u0000${normaliseText(text)}`;
}
