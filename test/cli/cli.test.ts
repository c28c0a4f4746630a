import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import { DEFAULT_FLOW_PATH, defaultFlow } from '../support/flows';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], input?: string, env: Record<string, string> = {}): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  if (input !== undefined) stdin.end(input);
  const code = await main(argv, { stdin, stdout, stderr, env: { INTENT_PROVIDER: 'local', ...env } });
  return { code, stdout: out, stderr: err };
}

const dir = mkdtempSync(join(tmpdir(), 'flowbot-cli-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('flowbot validate', () => {
  it('accepts the default flow with exit 0', async () => {
    const r = await run(['validate', DEFAULT_FLOW_PATH]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('valid');
  });

  it('prints each error on its own line with its pointer, exit 1', async () => {
    const flow = defaultFlow();
    (flow.blocks[0] as { next: string }).next = 'nowhere';
    (flow.blocks[1] as { id: string }).id = '1bad';
    const r = await run(['validate', file('broken.json', flow)]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(
      '/blocks/1/id: must match ^[A-Za-z][A-Za-z0-9_-]{0,63}$ (a letter, then up to 63 letters, digits, "_" or "-") (invalid_format)',
    );
    expect(lines).toContain('/blocks/0/next: block "nowhere" does not exist (unknown_block)');
  });

  it('--json gives the machine-readable result', async () => {
    const flow = defaultFlow();
    flow.blocks.push({ id: 'orphan', type: 'end' });
    const r = await run(['validate', file('warn.json', flow), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      errors: [],
      warnings: [{ path: '/blocks/9', code: 'unreachable_block', message: 'block "orphan" cannot be reached from the start' }],
    });
  });

  it('treats malformed JSON as an invalid flow (1) and a missing file as unreadable (2)', async () => {
    const bad = await run(['validate', file('bad.json', '{"name": '), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).errors[0].code).toBe('invalid_json');
    const missing = await run(['validate', join(dir, 'missing.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });

  it('answers bad usage with exit 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['validate'])).code).toBe(2);
    expect((await run(['export', DEFAULT_FLOW_PATH, '--format', 'svg'])).code).toBe(2);
  });
});

describe('flowbot export', () => {
  it.each([
    ['json', '"initial": "welcome"'],
    ['js', 'createMachine('],
    ['mermaid', 'stateDiagram-v2'],
  ])('--format %s', async (format, expected) => {
    const r = await run(['export', DEFAULT_FLOW_PATH, '--format', format]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(expected);
  });

  it('refuses an invalid flow with exit 1', async () => {
    const r = await run([
      'export',
      file('e.json', { name: 'x', start: 'a', blocks: [{ id: 'a', type: 'message', text: 'x', next: 'b' }] }),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/blocks/0/next');
  });
});

describe('flowbot chat', () => {
  it('holds a real conversation with the default flow over a pipe, with the local classifier', async () => {
    const r = await run(['chat', DEFAULT_FLOW_PATH], 'will it rain tomorrow?\nI am starving, any good pizza?\nbye\n');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'bot> Hi! I can give you the weather, travel offers or restaurant tips. What would you like?',
      'bot> It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?',
      'bot> Try Casa Nostra, the best pasta in town. Anything else?',
      'bot> Happy to help. Bye!',
    ]);
  });

  it('answers every piped line, then exits 0 when stdin closes before the flow ends', async () => {
    const r = await run(['chat', DEFAULT_FLOW_PATH], 'qwertyuiop\nhotel deals?\n');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('bot> Sorry, I did not get "qwertyuiop". I can help with the weather, travel offers or restaurants.');
    expect(lines[2]).toContain('Lisbon');
  });

  it('refuses an invalid flow (1) and a bad setting (2)', async () => {
    expect((await run(['chat', file('c.json', { name: 'x' })], '')).code).toBe(1);
    const bad = await run(['chat', DEFAULT_FLOW_PATH], '', { INTENT_TIMEOUT_MS: 'soon' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('INTENT_TIMEOUT_MS');
  });
});
