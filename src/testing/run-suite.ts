import type { Step } from '../flow/step';
import { coverageOf } from './transitions';
import { runConversationTest, type TestFailure, type TestResult, type TestTarget } from './run-test';
import type { TestSuite } from './test-document';

export interface SuiteResult {
  passed: number;
  failed: number;
  /** Share of the machine's transitions the tests took, 0..1. */
  coverage: number;
  /** The transitions no test took, as `from -> to (event)`. */
  uncovered: string[];
  results: Array<{ name: string; passed: boolean; failure?: TestFailure }>;
  /** Milliseconds of real time the suite took (for reports; never asserted). */
  durationMs: number;
}

/** What the runs of a suite took and how long, with the full results for callers that need the events. */
export interface SuiteRun {
  summary: SuiteResult;
  runs: TestResult[];
}

/** Runs every test of a suite, in order, one conversation each, against one flow. */
export async function runSuite(suite: TestSuite, target: TestTarget): Promise<SuiteRun> {
  const started = performance.now();
  const mode = suite.intents ?? 'local';
  const runs: TestResult[] = [];
  for (const test of suite.tests) runs.push(await runConversationTest(test, target, mode));
  const steps: Step[] = runs.flatMap((r) => r.steps);
  const coverage = coverageOf(target.compiled.config, steps);
  const passed = runs.filter((r) => r.passed).length;
  return {
    runs,
    summary: {
      passed,
      failed: runs.length - passed,
      coverage: Math.round(coverage.ratio * 10_000) / 10_000,
      uncovered: coverage.uncovered,
      results: runs.map((r) => ({ name: r.name, passed: r.passed, ...(r.failure ? { failure: r.failure } : {}) })),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    },
  };
}
