/** The derived word-vector file: its format is checked, and its vectors carry meaning. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dot, WORD_VECTORS_PATH, WordVectors } from '../../src/intent/local/word-vectors';

const vectors = new WordVectors();
const cosine = (a: string, b: string): number => dot(vectors.unitVector(vectors.id(a)), vectors.unitVector(vectors.id(b)));

describe('WordVectors', () => {
  it('holds 100,000 words of 100 dimensions, most frequent first', () => {
    expect(vectors.size).toBe(100_000);
    expect(vectors.dimensions).toBe(100);
    expect(vectors.id('the')).toBe(0);
    expect(vectors.id('weather')).toBeLessThan(vectors.id('umbrella'));
    expect(vectors.id('qzxqjvkwqzxjvq')).toBe(-1);
  });

  it('gives unit vectors', () => {
    const v = vectors.unitVector(vectors.id('bank'));
    expect(dot(v, v)).toBeCloseTo(1, 5);
  });

  it('puts related words closer than unrelated ones', () => {
    expect(cosine('money', 'cash')).toBeGreaterThan(0.5);
    expect(cosine('rain', 'weather')).toBeGreaterThan(0.5);
    expect(cosine('rain', 'weather')).toBeGreaterThan(cosine('rain', 'bank') + 0.3);
    // The common direction is removed: a grammar word is not "related" to everything.
    expect(Math.abs(cosine('the', 'bank'))).toBeLessThan(0.2);
  });

  it('refuses a file that is not a word-vector file, or one cut short', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowbot-vectors-'));
    const bad = join(dir, 'bad.bin');
    writeFileSync(bad, 'not vectors at all');
    expect(() => new WordVectors(bad)).toThrow(/not a word-vector file/);
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, readFileSync(WORD_VECTORS_PATH).subarray(0, 16 + 100 * 100 + 20));
    expect(() => new WordVectors(cut)).toThrow(/cut short/);
  });
});
