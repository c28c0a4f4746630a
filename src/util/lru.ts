import { type Clock, systemClock } from './clock';

export interface LruOptions {
  /** Most entries kept; the least recently used one is evicted beyond it. */
  maxEntries: number;
  /** How long an entry stays valid after it was set; unset: until evicted. */
  ttlMs?: number;
  /** Its monotonic time decides expiry. Default: the system clock. */
  clock?: Clock;
}

interface Entry<V> {
  value: V;
  /** Monotonic ms; Infinity without a TTL. */
  expiresAt: number;
}

/**
 * A bounded least-recently-used cache with an optional TTL, on top of Map's insertion order (a `get`
 * re-inserts the entry, so the first key is always the least recently used). Written here rather than
 * taken from a package: it is this Map idiom and little else, it sits on the per-turn path (compiled
 * machines, intent answers), and a dependency would add more code than it saves.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(options: LruOptions) {
    this.maxEntries = options.maxEntries;
    this.ttlMs = options.ttlMs ?? Infinity;
    this.clock = options.clock ?? systemClock;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}`);
    }
    if (!(this.ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${this.ttlMs}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, marked as most recently used; undefined when absent or expired (an expired entry is dropped). */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt !== Infinity && entry.expiresAt <= this.clock.monotonic()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    const expiresAt = this.ttlMs === Infinity ? Infinity : this.clock.monotonic() + this.ttlMs;
    this.entries.set(key, { value, expiresAt });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  getOrCreate(key: K, create: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = create();
    this.set(key, value);
    return value;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
