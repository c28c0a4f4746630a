import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { formatTestDocument, type HttpMock, type TestSuite } from '../../src/testing';

const ROOT = join(__dirname, '..', '..');

/**
 * What Prettier, as this repository configures it, makes of a generated file (CI checks them with
 * it). Its CLI, since Prettier 3 loads its plugins by dynamic import, which Jest's CommonJS cannot.
 */
function prettierJson(text: string): string {
  return execFileSync(join(ROOT, 'node_modules', '.bin', 'prettier'), ['--stdin-filepath', 'flows/x.test.json'], {
    cwd: ROOT,
    input: text,
    encoding: 'utf8',
  });
}

/** A generated test's steps are too long together for one line, as every generated test's are. */
function suiteWith(lookup: HttpMock[]): TestSuite {
  return {
    intents: 'scripted',
    tests: [
      {
        name: 't',
        steps: [
          { bot: 'Hi! I can tell you where your order is.' },
          { waiting: 'askOrder' },
          { user: '1000' },
          { bot: 'Order 1000 is on its way.' },
        ],
        mocks: { http: { lookup } },
      },
    ],
  };
}

describe('generated test files', () => {
  it.each([
    [
      'short mocks of several keys each (Prettier breaks them however short)',
      [
        { status: 200, body: {} },
        { status: 404, body: { a: 1 } },
      ],
    ],
    ['short mocks, one of a single key', [{ status: 200, body: { status: 'shipped' } }, { error: 'network' }, { status: 404 }]],
    ['a single mock', [{ status: 200, body: { status: 'shipped' } }]],
    ['mocks too long for a line', [{ status: 200, body: { text: 'x'.repeat(60) } }, { error: 'timeout' }]],
  ] as Array<[string, HttpMock[]]>)('are as Prettier prints them: %s', (_name, lookup) => {
    const text = formatTestDocument(suiteWith(lookup));
    expect(prettierJson(text)).toBe(text);
  });
});
