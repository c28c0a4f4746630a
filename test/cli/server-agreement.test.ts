import { readFileSync } from 'node:fs';
import { defaultFlow, DEFAULT_FLOW_PATH } from '../support/flows';
import { FakeDetector } from '../support/fake-detector';
import { startTestServer, type TestServer } from '../support/test-server';
import { flowFiles, runCli } from './run-cli';

/**
 * `flowbot validate` and the server give one verdict with the same codes for the same bytes under the
 * same settings: each document below goes to POST /api/flows/validate of a real server and through
 * the CLI, and the two answers are compared problem by problem (path and code).
 */

interface Verdict {
  valid: boolean;
  errors: string[];
  warnings: string[];
}

const keys = (problems: Array<{ path: string; code: string }> = []): string[] => problems.map((p) => `${p.path} ${p.code}`);

async function serverVerdict(server: TestServer, body: Buffer): Promise<Verdict> {
  const res = await fetch(`${server.url}/api/flows/validate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  const answer = (await res.json()) as {
    code?: string;
    errors?: Array<{ path: string; code: string }>;
    warnings?: Array<{ path: string; code: string }>;
  };
  if (res.status === 200) return { valid: true, errors: [], warnings: keys(answer.warnings) };
  if (answer.code === 'invalid_flow') return { valid: false, errors: keys(answer.errors), warnings: [] };
  return { valid: false, errors: [` ${answer.code}`], warnings: [] };
}

async function cliVerdict(path: string, env: Record<string, string>): Promise<Verdict> {
  const run = await runCli(['validate', path, '--json'], undefined, env);
  expect([0, 1]).toContain(run.code);
  const result = JSON.parse(run.stdout) as {
    valid: boolean;
    errors: Array<{ path: string; code: string }>;
    warnings: Array<{ path: string; code: string }>;
  };
  expect(run.code).toBe(result.valid ? 0 : 1);
  // The server lists warnings only for a valid flow; so does the comparison.
  return { valid: result.valid, errors: keys(result.errors), warnings: result.valid ? keys(result.warnings) : [] };
}

const write = flowFiles('flowbot-agreement-');
const source = readFileSync(DEFAULT_FLOW_PATH);

function chain(length: number): unknown {
  const blocks: unknown[] = [{ id: 'm0', type: 'wait', next: 'm1' }];
  for (let i = 1; i < length - 1; i++) blocks.push({ id: `m${i}`, type: 'message', text: 'hi', next: `m${i + 1}` });
  blocks.push({ id: `m${length - 1}`, type: 'end' });
  return { name: 'chain', start: 'm0', blocks };
}

function withText(text: string): unknown {
  const flow = defaultFlow();
  (flow.blocks[0] as { text: string }).text = text;
  return flow;
}

/** A document, and what both must answer: "valid", or one error they must both list (`path code`). */
type Case = [name: string, bytes: Buffer, expected: string];

const DOCUMENTS: Case[] = [
  ['the default flow', source, 'valid'],
  ['a UTF-8 byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), source]), 'valid'],
  ['5,001 blocks (MAX_FLOW_BLOCKS is 5000)', Buffer.from(JSON.stringify(chain(5001))), '/blocks too_many_blocks'],
  ['5,000 blocks', Buffer.from(JSON.stringify(chain(5000))), 'valid'],
  ['malformed JSON', Buffer.from('{"name": '), ' invalid_json'],
  ['an empty file', Buffer.from(''), ' invalid_json'],
  ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), ' invalid_encoding'],
  ['a JSON array', Buffer.from('[]'), ' invalid_type'],
  ['2,001 emoji in a 4,000-character text', Buffer.from(JSON.stringify(withText('👍'.repeat(2001)))), 'valid'],
  [
    'a placeholder typo and an unclosed placeholder',
    Buffer.from(JSON.stringify(withText('Hi {{requets}} {{request}'))),
    '/blocks/0/text invalid_template',
  ],
  [
    'a body over 1 MiB (MAX_BODY_BYTES)',
    Buffer.from(JSON.stringify({ ...defaultFlow(), meta: { pad: 'x'.repeat(1024 * 1024) } })),
    ' payload_too_large',
  ],
];

/** The default flow fits (compact, not as shipped) and is at the block limit exactly. */
const BLOCK_LIMIT = defaultFlow().blocks.length;
const STRICT_ENV = { MAX_BODY_BYTES: '4096', MAX_FLOW_BLOCKS: String(BLOCK_LIMIT), MAX_INTENTS_PER_BLOCK: '3', MAX_TEXT_CHARS: '80' };
const STRICT_DOCUMENTS: Case[] = [
  ['the default flow, compact: too many intents', Buffer.from(JSON.stringify(defaultFlow())), '/blocks/2/intents too_many_intents'],
  ['the default flow, compact: a text too long', Buffer.from(JSON.stringify(defaultFlow())), '/blocks/0/text text_too_long'],
  ['the default flow as shipped, over 4 KiB', source, ' payload_too_large'],
  ['one block over the limit', Buffer.from(JSON.stringify(chain(BLOCK_LIMIT + 1))), '/blocks too_many_blocks'],
  ['as many blocks as the limit', Buffer.from(JSON.stringify(chain(BLOCK_LIMIT))), 'valid'],
];

describe.each([
  ['default settings', {}, DOCUMENTS],
  ['operator limits set low', STRICT_ENV, STRICT_DOCUMENTS],
] as const)('flowbot validate agrees with the server, %s', (_name, env, documents) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ detector: new FakeDetector(), seedDefaultFlow: false, env: { ...env } });
  });
  afterAll(() => server.close(true));

  it.each(documents.map(([name, bytes, expected], i) => [name, bytes, expected, i] as const))('%s', async (_doc, bytes, expected, i) => {
    const path = write(`doc-${Object.keys(env).length}-${i}.json`, bytes);
    const [fromServer, fromCli] = await Promise.all([serverVerdict(server, bytes), cliVerdict(path, { ...env })]);
    if (expected === 'valid') expect(fromServer).toMatchObject({ valid: true, errors: [] });
    else expect(fromServer.errors).toContain(expected);
    expect(fromCli).toEqual(fromServer);
  });
});
