import type { ConversationTest, TestFile, TestStep, TestSuite } from './test-document';

/** A JSON value on one line, spaced as Prettier prints JSON: `{ "status": 200, "body": { "a": [1, 2] } }`. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** `{ "bot": "Hi!" }`: one step on one line. */
function stepLine(step: TestStep): string {
  return inline(step);
}

/** Prettier's line width in this repository: a block's mocks fit on one line or take one line each, as Prettier would. */
const PRINT_WIDTH = 140;

/**
 * Prettier always breaks an array of two or more objects that each have more than one key, however
 * short (its rule for arrays of records); a block's mocks have to break there too.
 */
function prettierBreaks(list: readonly object[]): boolean {
  return list.length > 1 && list.every((mock) => Object.keys(mock).length > 1);
}

/** `"mocks"`, a block's mocks on its line, or one per line where they do not fit. */
function mockLines(mocks: NonNullable<ConversationTest['mocks']>): string[] {
  const blocks = Object.entries(mocks.http ?? {});
  const lines = ['      "mocks": {', '        "http": {'];
  blocks.forEach(([id, list], i) => {
    const comma = i < blocks.length - 1 ? ',' : '';
    const one = `          ${JSON.stringify(id)}: ${inline(list)}${comma}`;
    if (one.length <= PRINT_WIDTH && !prettierBreaks(list)) {
      lines.push(one);
      return;
    }
    lines.push(`          ${JSON.stringify(id)}: [`);
    list.forEach((mock, j) => lines.push(`            ${inline(mock)}${j < list.length - 1 ? ',' : ''}`));
    lines.push(`          ]${comma}`);
  });
  lines.push('        }', '      }');
  return lines;
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
    if (test.mocks) lines.push(...mockLines(test.mocks));
    lines.push(i < tests.length - 1 ? '    },' : '    }');
  });
  lines.push('  ]', '}');
  return lines.join('\n') + '\n';
}
