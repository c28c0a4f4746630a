/** `flowbot classify FILE --block ID TEXT...`, run in-process with the local classifier. */
import { DEFAULT_FLOW_PATH } from '../support/flows';
import { flowFiles, runCli as run } from './run-cli';

const file = flowFiles('flowbot-classify-');

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
    const r = await run(['classify', file('bad.json', { name: 'x', start: 'nope', blocks: [] }), '--block', 'route', 'hi']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\/\S*: /m);
  });
});
