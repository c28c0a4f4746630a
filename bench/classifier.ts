/**
 * Timing and accuracy of the local intent classifier.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/clsbench && node /tmp/clsbench/bench/classifier.js [--dev]
 *
 * Prints model load time, per-detection time after warm-up and per-set accuracy. Not part of the
 * test suite on purpose: timings on shared CI machines are noise, so nothing here asserts.
 */
import { LocalIntentClassifier } from '../src/intent/local';
import { MAX_INPUT_CHARS } from '../src/intent/local/normalize';
import { evaluate, formatReport, loadEvalSets } from '../test/intent/evaluation';

function main(): void {
  const t0 = performance.now();
  const classifier = new LocalIntentClassifier();
  const constructMs = performance.now() - t0;
  console.log(`model load + lexicon compile: ${constructMs.toFixed(1)} ms (classifier.loadTimeMs ${classifier.loadTimeMs.toFixed(1)})`);

  const sets = loadEvalSets();
  const showMisses = process.argv.includes('--verbose');
  for (const split of ['heldout', 'dev'] as const) {
    let correct = 0;
    let total = 0;
    for (const set of sets.filter((s) => s.split === split)) {
      const result = evaluate(set, (text, intents, key) => classifier.classify(text, intents, key).intent);
      correct += result.correct;
      total += result.total;
      console.log(
        showMisses ? formatReport(result) : `${result.name}: ${(result.accuracy * 100).toFixed(1)}% (${result.correct}/${result.total})`,
      );
    }
    console.log(`== ${split} overall: ${((correct / total) * 100).toFixed(1)}% (${correct}/${total})\n`);
  }

  // Timing: every utterance of every set, cycled; the first pass warms caches and the JIT.
  const work = sets.flatMap((s) => s.cases.map((c) => ({ text: c.text, intents: s.intents, key: `bench:${s.file}` })));
  const firstSet = sets[0];
  if (firstSet) {
    const t = performance.now();
    classifier.classify('cold start', firstSet.intents, 'bench:cold');
    console.log(`first classification of a new block (builds its cache entry): ${(performance.now() - t).toFixed(2)} ms`);
  }
  for (const w of work) classifier.classify(w.text, w.intents, w.key);
  const rounds = 20;
  const start = performance.now();
  for (let r = 0; r < rounds; r += 1) for (const w of work) classifier.classify(w.text, w.intents, w.key);
  const perCall = (performance.now() - start) / (rounds * work.length);
  console.log(`mean time per detection (warm, ${rounds * work.length} calls): ${(perCall * 1000).toFixed(1)} µs`);

  // Worst case: input is cut at MAX_INPUT_CHARS, so a pasted essay costs a bounded amount.
  if (firstSet) {
    const long = 'I would like to know whether it will rain in Lisbon tomorow and what I should wear. '.repeat(200);
    const n = 200;
    const t = performance.now();
    for (let i = 0; i < n; i += 1) classifier.classify(long, firstSet.intents, `bench:${firstSet.file}`);
    console.log(
      `mean time for a ${long.length}-char message (cut to ${MAX_INPUT_CHARS}): ${(((performance.now() - t) / n) * 1000).toFixed(1)} µs`,
    );
  }
}

main();
