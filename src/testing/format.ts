import type { TestFile, TestStep, TestSuite } from './test-document';

/** `{ "bot": "Hi!" }`: one step on one line, spaced as Prettier prints JSON. */
function stepLine(step: TestStep): string {
  const [key, value] = Object.entries(step)[0] as [string, unknown];
  const shown =
    value !== null && typeof value === 'object'
      ? `{ ${Object.entries(value)
          .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
          .join(', ')} }`
      : JSON.stringify(value);
  return `{ ${JSON.stringify(key)}: ${shown} }`;
}

/**
 * A test document as people read it in a diff: one step per line. Generated files are written this
 * way so that a change to a flow shows as a change of the few steps it affects.
 */
export function formatTestDocument(document: TestFile | TestSuite): string {
  const { tests, ...head } = document;
  const lines = ['{'];
  for (const [key, value] of Object.entries(head)) lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  lines.push('  "tests": [');
  tests.forEach((test, i) => {
    lines.push('    {', `      "name": ${JSON.stringify(test.name)},`, '      "steps": [');
    test.steps.forEach((step, j) => lines.push(`        ${stepLine(step)}${j < test.steps.length - 1 ? ',' : ''}`));
    lines.push(test.mocks ? '      ],' : '      ]');
    if (test.mocks) lines.push(`      "mocks": ${JSON.stringify(test.mocks)}`);
    lines.push(i < tests.length - 1 ? '    },' : '    }');
  });
  lines.push('  ]', '}');
  return lines.join('\n') + '\n';
}
