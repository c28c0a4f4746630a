import type { TestFailure } from './run-test';
import type { SuiteResult } from './run-suite';

/** A failure in three lines: the step, what was expected, what came. */
export function describeFailure(failure: TestFailure): string {
  const where =
    failure.step < 0
      ? 'the start, before step 1'
      : failure.action === null
        ? 'the end of the test'
        : `step ${failure.step + 1} ${JSON.stringify(failure.action)}`;
  return [`at ${where}`, `expected: ${failure.expected}`, `actual:   ${failure.actual}`].join('\n');
}

export function percent(ratio: number): string {
  return `${(Math.floor(ratio * 1000) / 10).toString()}%`;
}

/** The human report of one test file: ✓/✗ per test, what differed, and the coverage when asked. */
export function formatSuite(name: string, result: SuiteResult, withCoverage: boolean): string[] {
  const lines = [name];
  for (const test of result.results) {
    lines.push(`  ${test.passed ? '✓' : '✗'} ${test.name}`);
    if (test.failure)
      lines.push(
        ...describeFailure(test.failure)
          .split('\n')
          .map((l) => `      ${l}`),
      );
  }
  lines.push(`  ${result.passed} passed, ${result.failed} failed`);
  if (withCoverage) {
    const total = result.uncovered.length;
    lines.push(`  coverage: ${percent(result.coverage)} of transitions${total ? `; ${total} not taken:` : ''}`);
    lines.push(...result.uncovered.map((t) => `    ${t}`));
  }
  return lines;
}
