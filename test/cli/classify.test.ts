/** `flowbot classify FILE --block ID "text"...`, run in-process with the local classifier. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import { DEFAULT_FLOW_PATH } from '../support/flows';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, env: { INTENT_PROVIDER: 'local' } });
  return { code, stdout: out, stderr: err };
}

describe('flowbot classify', () => {
  it('prints one JSON answer per text, as the REST detect endpoint does', async () => {
    const r = await run(['classify', DEFAULT_FLOW_PATH, '--block', 'route', 'is it going to snow tomorrow?', 'asdfgh qwerty']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      text: 'is it going to snow tomorrow?',
      intent: 'weather',
      confidence: expect.any(Number),
      provider: 'local',
      ranking: expect.any(Array),
    });
    expect(lines[0].ranking).toHaveLength(4);
    expect(lines[1]).toMatchObject({ text: 'asdfgh qwerty', intent: 'none', provider: 'local' });
  });

  it.each([
    [['classify'], 'missing FILE'],
    [['classify', DEFAULT_FLOW_PATH, 'hello'], 'missing --block ID'],
    [['classify', DEFAULT_FLOW_PATH, '--block', 'route'], 'missing TEXT...'],
    [['classify', DEFAULT_FLOW_PATH, '--block', 'welcome', 'hi'], 'the flow has no intent block "welcome" (intent blocks: route)'],
    [['classify', DEFAULT_FLOW_PATH, '--block', 'route', '   '], '"text" must not be empty'],
    [['classify', DEFAULT_FLOW_PATH, '--bloc', 'route', 'hi'], 'unknown option "--bloc"; did you mean "--block"?'],
  ])('exits 2 on bad usage: %j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('exits 1 on an invalid flow, printing its errors', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowbot-classify-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'x', start: 'nope', blocks: [] }));
    const r = await run(['classify', file, '--block', 'route', 'hi']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\/\S*: /m);
  });
});
