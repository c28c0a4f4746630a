/**
 * npm run eval:intents: the local classifier measured on data no one here wrote (CLINC150's five
 * development domains, by the protocol in test/intent/fixtures/clinc150/README.md) and on flowbot's
 * own fixtures, plus model load time, memory and detection latency.
 *
 *   npm run eval:intents                         the table the README quotes (validation utterances)
 *   npm run eval:intents -- --split tune         training utterances 31-60 (what tuning looked at)
 *   npm run eval:intents -- --k 0,3,10,30,100    other numbers of examples per intent
 *   npm run eval:intents -- --verbose            the most frequent confusions too
 *   EVAL_OPTIONS='{"scoring":{...}}' ...          classifier options, for experiments
 */
import { performance } from 'node:perf_hooks';
import { linkDataFolders, linkTestFixtures } from './lib/paths';
import { EnglishAnalyzer } from '../src/intent/local/english';
import { LocalIntentClassifier, type LocalClassifierOptions } from '../src/intent/local';
import { WordVectors } from '../src/intent/local/word-vectors';
import { clincBlocks, type ClincScore, type ClincSplit, DESIGN_HOLDOUT_DOMAINS, loadClinc, rate, scoreBlocks } from '../test/intent/clinc';
import { evaluate, loadEvalSets } from '../test/intent/evaluation';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function main(): void {
  // Compiled into dist-bench/: the word vectors are found through a link to models/.
  linkDataFolders();
  linkTestFixtures();
  const split = (arg('split') ?? 'val') as ClincSplit;
  const ks = (arg('k') ?? '0,3,10').split(',').map(Number);
  const verbose = process.argv.includes('--verbose');
  const extra = JSON.parse(process.env.EVAL_OPTIONS ?? '{}') as LocalClassifierOptions;

  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const analyzer = new EnglishAnalyzer();
  const tAnalyzer = performance.now();
  const vectors = new WordVectors();
  const tVectors = performance.now();
  const classifier = new LocalIntentClassifier({ ...extra, analyzer, vectors });
  const tReady = performance.now();
  const rssAfter = process.memoryUsage().rss;

  const data = loadClinc();
  const domains = Object.keys(data.domains);
  const scores = new Map<number, ClincScore>();
  for (const k of ks) {
    const blocks = clincBlocks(data, k, split);
    scores.set(
      k,
      scoreBlocks(blocks, (text, intents, key) => classifier.classify(text, intents, key).intent, `k${k}:${split}`),
    );
  }

  console.log(
    `CLINC150 dev domains, ${split === 'val' ? 'validation utterances + 200 out-of-scope' : 'training utterances 31-60 + 100 out-of-scope (tuning data)'}; blocks of 8 and 7 intents\n`,
  );
  console.log(row(['examples per intent', 'overall', 'in-scope', 'out-of-scope recall', 'same-domain "none"', ...domains]));
  console.log(row(['---', '---', '---', '---', '---', ...domains.map(() => '---')]));
  for (const [k, s] of scores) {
    const perDomain = domains.map((d) => {
      const t = s.perDomain.get(d);
      return t ? `${pct(rate(t))}${DESIGN_HOLDOUT_DOMAINS.includes(d) ? '*' : ''}` : '-';
    });
    console.log(row([String(k), pct(rate(s.overall)), pct(rate(s.inScope)), pct(rate(s.oos)), pct(rate(s.sibling)), ...perDomain]));
  }
  console.log(`\n* held out while designing: ${DESIGN_HOLDOUT_DOMAINS.join(', ')} (no tuning looked at them)`);
  for (const [k, s] of scores) {
    const tuned = domains.filter((d) => !DESIGN_HOLDOUT_DOMAINS.includes(d));
    const sum = (names: string[]): string => {
      const c = names.reduce((n, d) => n + (s.perDomain.get(d)?.correct ?? 0), 0);
      const t = names.reduce((n, d) => n + (s.perDomain.get(d)?.total ?? 0), 0);
      return pct(t ? c / t : 0);
    };
    console.log(`  K=${k}: overall on tuned domains ${sum(tuned)}, on held-out domains ${sum([...DESIGN_HOLDOUT_DOMAINS])}`);
    if (verbose) {
      const top = [...s.confusions].sort((a, b) => b[1] - a[1]).slice(0, 12);
      console.log(`    confusions: ${top.map(([c, n]) => `${c} (${n})`).join(', ')}`);
    }
  }

  console.log('\nflowbot fixtures (written with the old lexicon; travel, bank, pizza):');
  for (const splitName of ['heldout', 'dev'] as const) {
    let correct = 0;
    let total = 0;
    const parts: string[] = [];
    for (const set of loadEvalSets(splitName)) {
      const r = evaluate(set, (text, intents, key) => classifier.classify(text, intents, key).intent);
      correct += r.correct;
      total += r.total;
      parts.push(`${set.name} ${pct(r.accuracy)}`);
    }
    console.log(`  ${splitName}: ${pct(correct / total)} (${correct}/${total}; ${parts.join(', ')})`);
  }

  // Latency: every validation utterance of the 8-intent blocks at K=3 and K=10, after a warm-up pass.
  console.log('\ncost:');
  console.log(
    `  load: ${(tReady - t0).toFixed(0)} ms (English model ${(tAnalyzer - t0).toFixed(0)} ms, word vectors ${(tVectors - tAnalyzer).toFixed(0)} ms, rest ${(tReady - tVectors).toFixed(0)} ms); RSS +${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} MB`,
  );
  for (const k of [3, 10]) {
    const blocks = clincBlocks(data, k, 'val').filter((b) => b.intents.length === 8);
    const work = blocks.flatMap((b) => b.cases.map((c) => ({ text: c.text, intents: b.intents, key: `lat${k}:${b.name}` })));
    for (const w of work) classifier.classify(w.text, w.intents, w.key);
    const times: number[] = [];
    for (const w of work) {
      const s = performance.now();
      classifier.classify(w.text, w.intents, w.key);
      times.push(performance.now() - s);
    }
    const p95 = [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.95)] ?? 0;
    console.log(
      `  detection, 8 intents, K=${k}: median ${(median(times) * 1000).toFixed(0)} µs, p95 ${(p95 * 1000).toFixed(0)} µs (${times.length} calls)`,
    );
  }
}

main();
