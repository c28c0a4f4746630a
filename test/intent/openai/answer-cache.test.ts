import { AnswerCache, normaliseText } from '../../../src/intent/resilience/answer-cache';
import { FakeClock } from './fakes';

describe('normaliseText', () => {
  it('lower-cases, trims and collapses whitespace', () => {
    expect(normaliseText('  Will it\n\tRAIN?  ')).toBe('will it rain?');
  });
});

describe('AnswerCache', () => {
  it('keys on block and normalised text', () => {
    const cache = new AnswerCache<string>();
    cache.set('flow@1:menu', 'Hello  there', 'greet');
    expect(cache.get('flow@1:menu', 'hello there ')).toBe('greet');
    expect(cache.get('flow@2:menu', 'hello there')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new AnswerCache<number>({ maxEntries: 2 });
    cache.set('k', 'a', 1);
    cache.set('k', 'b', 2);
    expect(cache.get('k', 'a')).toBe(1); // a is now the most recent
    cache.set('k', 'c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('k', 'b')).toBeUndefined();
    expect(cache.get('k', 'a')).toBe(1);
    expect(cache.get('k', 'c')).toBe(3);
  });

  it('expires entries after the TTL', () => {
    const clock = new FakeClock();
    const cache = new AnswerCache<number>({ ttlMs: 1000, clock });
    cache.set('k', 'a', 1);
    clock.advance(999);
    expect(cache.get('k', 'a')).toBe(1);
    clock.advance(1);
    expect(cache.get('k', 'a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
