/**
 * General-purpose English word vectors (GloVe 6B, 100 dimensions, the 100,000 most frequent plain
 * words), read from models/word-vectors.bin: see scripts/build-word-vectors.mjs for where the file
 * comes from and its format, models/README.md for the license and attribution.
 *
 * This is where the classifier's knowledge of what words mean comes from: "lock" is near "freeze",
 * "mpg" near "mileage", without anyone writing a list per domain. The vectors stay 8-bit as stored
 * (10 MB) and are normalised when a block or a message looks them up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const WORD_VECTORS_PATH = join(__dirname, '..', '..', '..', 'models', 'word-vectors.bin');

const MAGIC = 'FBWV';
const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;

export class WordVectors {
  readonly dimensions: number;
  readonly size: number;
  private readonly data: Int8Array;
  private readonly ids = new Map<string, number>();

  constructor(path: string = WORD_VECTORS_PATH) {
    const file = readFileSync(path);
    if (file.toString('latin1', 0, 4) !== MAGIC || file.readUInt32LE(4) !== FORMAT_VERSION) {
      throw new Error(`${path}: not a word-vector file of format ${FORMAT_VERSION}`);
    }
    this.size = file.readUInt32LE(8);
    this.dimensions = file.readUInt32LE(12);
    const bytes = this.size * this.dimensions;
    if (file.length < HEADER_BYTES + bytes) throw new Error(`${path}: cut short (${file.length} bytes)`);
    // A view, not a copy: bytes need no alignment, and the load stays a plain file read.
    this.data = new Int8Array(file.buffer, file.byteOffset + HEADER_BYTES, bytes);
    const words = file.toString('utf8', HEADER_BYTES + bytes).split('\n');
    if (words.length !== this.size) throw new Error(`${path}: ${words.length} words for ${this.size} vectors`);
    // A plain loop: twice as fast as new Map(words.map(...)) for 100,000 entries.
    for (let i = 0; i < words.length; i += 1) this.ids.set(words[i] as string, i);
  }

  /** The word's id, which is also its frequency rank (0 = most frequent), or -1 when unknown. */
  id(word: string): number {
    return this.ids.get(word) ?? -1;
  }

  /** The unit-length vector of a word id (the norm is computed here: cheaper than 100,000 at load). */
  unitVector(id: number): Float32Array {
    const out = new Float32Array(this.dimensions);
    const base = id * this.dimensions;
    let sum = 0;
    for (let d = 0; d < this.dimensions; d += 1) {
      const x = this.data[base + d] as number;
      out[d] = x;
      sum += x * x;
    }
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let d = 0; d < this.dimensions; d += 1) out[d] = (out[d] as number) * scale;
    return out;
  }
}

/** Cosine of two unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d += 1) sum += (a[d] ?? 0) * (b[d] ?? 0);
  return sum;
}

/** Unit-length weighted mean of the units' vectors (ruled-out units left out); null if none has one. */
export function centroidOf(
  units: ReadonlyArray<{ vector: number; weight: number; negated: boolean }>,
  vectors: WordVectors,
): Float32Array | null {
  const sum = new Float32Array(vectors.dimensions);
  let any = false;
  for (const u of units) {
    if (u.vector < 0 || u.negated) continue;
    const v = vectors.unitVector(u.vector);
    for (let d = 0; d < sum.length; d += 1) sum[d] = (sum[d] ?? 0) + (v[d] ?? 0) * u.weight;
    any = true;
  }
  if (!any) return null;
  const norm = Math.sqrt(dot(sum, sum));
  if (norm === 0) return null;
  for (let d = 0; d < sum.length; d += 1) sum[d] = (sum[d] ?? 0) / norm;
  return sum;
}
