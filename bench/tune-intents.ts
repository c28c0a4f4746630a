/**
 * Dumps the local classifier's raw scores on the tuning data (CLINC150 training utterances 31-60 and
 * the out-of-scope training utterances, design-holdout domains excluded) as JSON lines, for fitting
 * the `none` threshold and the confidence function (src/intent/local/calibration.ts).
 *
 *   tsc -p bench/tsconfig.json && node dist-bench/bench/tune-intents.js [K,...] > scores.jsonl
 *
 * One line per case: {"k", "block", "kind", "expected", "best", "bestScore", "secondScore", "expectedScore"}.
 */
import { LocalIntentClassifier, type LocalClassifierOptions } from '../src/intent/local';
import { NO_INTENT } from '../src/flow/types';
import { clincBlocks, DESIGN_HOLDOUT_DOMAINS, loadClinc } from '../test/intent/clinc';
import { linkDataFolders, linkTestFixtures } from './lib/paths';

function main(): void {
  linkDataFolders();
  linkTestFixtures();
  const ks = (process.argv[2] ?? '0,1,3,5,10,20,30').split(',').map(Number);
  const options = JSON.parse(process.env.EVAL_OPTIONS ?? '{}') as LocalClassifierOptions;
  const classifier = new LocalIntentClassifier(options);
  const data = loadClinc();
  const domains = Object.keys(data.domains).filter((d) => !DESIGN_HOLDOUT_DOMAINS.includes(d));
  for (const k of ks) {
    for (const block of clincBlocks(data, k, 'tune', domains)) {
      for (const c of block.cases) {
        const r = classifier.classify(c.text, block.intents, `tune${k}:${block.name}`);
        const ordered = [...r.scores].sort((a, b) => b.score - a.score);
        const expectedScore = c.expected === NO_INTENT ? null : (r.scores.find((s) => s.id === c.expected)?.score ?? 0);
        process.stdout.write(
          `${JSON.stringify({
            k,
            block: block.name,
            kind: c.kind,
            expected: c.expected,
            best: ordered[0]?.id,
            bestScore: ordered[0]?.score ?? 0,
            secondScore: ordered[1]?.score ?? 0,
            expectedScore,
          })}\n`,
        );
      }
    }
  }
}

main();
