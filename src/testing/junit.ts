import type { SuiteResult } from './run-suite';
import { describeFailure } from './report';

/** Escapes text for an XML attribute or element (and drops characters XML 1.0 cannot hold). */
function xml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export interface JunitSuite {
  /** The test file, as the suite's name. */
  name: string;
  result: SuiteResult;
}

/**
 * JUnit XML as CI systems read it (Jenkins, GitLab, GitHub actions' reporters): one `<testsuite>` per
 * test file, one `<testcase>` per conversation test, a `<failure>` with the step, the expected and the
 * actual; coverage goes into the suite's properties.
 */
export function junitXml(suites: readonly JunitSuite[]): string {
  const tests = suites.reduce((n, s) => n + s.result.results.length, 0);
  const failures = suites.reduce((n, s) => n + s.result.failed, 0);
  const time = suites.reduce((n, s) => n + s.result.durationMs, 0) / 1000;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="flowbot test" tests="${tests}" failures="${failures}" errors="0" time="${time.toFixed(3)}">`,
  ];
  for (const { name, result } of suites) {
    lines.push(
      `  <testsuite name="${xml(name)}" tests="${result.results.length}" failures="${result.failed}" errors="0" skipped="0" time="${(result.durationMs / 1000).toFixed(3)}">`,
      '    <properties>',
      `      <property name="coverage" value="${result.coverage}"/>`,
      ...result.uncovered.map((t) => `      <property name="uncovered" value="${xml(t)}"/>`),
      '    </properties>',
    );
    for (const test of result.results) {
      const open = `    <testcase classname="${xml(name)}" name="${xml(test.name)}" time="0"`;
      if (!test.failure) {
        lines.push(`${open}/>`);
        continue;
      }
      const text = describeFailure(test.failure);
      lines.push(
        `${open}>`,
        `      <failure message="${xml(text.split('\n')[0] ?? '')}" type="assertion">${xml(text)}</failure>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
