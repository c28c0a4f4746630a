import { LruCache } from '../../src/util/lru';
import { ManualClock } from '../support/manual-clock';

describe('LruCache', () => {
  it('evicts the least recently used entry, where a get counts as a use', () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c')]).toEqual([1, 3]);
  });

  it('replaces an entry on set without growing', () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBe(2);
  });

  it('expires entries after their TTL on the monotonic clock, and drops them', () => {
    const clock = new ManualClock();
    const cache = new LruCache<string, number>({ maxEntries: 10, ttlMs: 100, clock });
    cache.set('a', 1);
    clock.advance(99);
    expect(cache.get('a')).toBe(1);
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('creates a missing value once', () => {
    const cache = new LruCache<number, object>({ maxEntries: 4 });
    const create = jest.fn(() => ({}));
    const first = cache.getOrCreate(1, create);
    expect(cache.getOrCreate(1, create)).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('refuses a size or TTL that cannot work', () => {
    expect(() => new LruCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new LruCache({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => new LruCache({ maxEntries: 1, ttlMs: 0 })).toThrow(RangeError);
  });
});
