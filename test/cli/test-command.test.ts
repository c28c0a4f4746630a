import { readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { DEFAULT_FLOW_PATH } from '../support/flows';
import { flowFiles, runCli as run } from './run-cli';

const file = flowFiles('flowbot-test-cli-');
const FLOWS = join(__dirname, '..', '..', 'flows');
const passing = {
  flow: DEFAULT_FLOW_PATH,
  intents: 'scripted',
  tests: [
    { name: 'restaurant button', steps: [{ choice: 'tips' }, { bot: '/Casa Nostra/' }, { waiting: 'ask' }] },
    { name: 'goodbye', steps: [{ user: 'bye' }, { intent: 'bye' }, { end: 'goodbye' }] },
  ],
};
const failing = {
  ...passing,
  tests: [...passing.tests, { name: 'wrong text', steps: [{ choice: 'forecast' }, { bot: 'It will snow.' }] }],
};

describe('flowbot test', () => {
  it('exit 0 when every test passes, with a line per test', async () => {
    const r = await run(['test', file('ok.test.json', passing)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ restaurant button');
    expect(r.stdout).toContain('✓ goodbye');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('2 passed, 0 failed');
  });

  it('exit 1 on a failure, printing the step, what was expected and what came', async () => {
    const r = await run(['test', file('fail.test.json', failing)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [
        '  ✗ wrong text',
        '      at step 2 {"bot":"It will snow."}',
        '      expected: the bot to say "It will snow."',
        '      actual:   it said "It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?"',
      ].join('\n'),
    );
    expect(r.stdout).toContain('2 passed, 1 failed');
  });

  it('--coverage lists the transitions not taken; --min-coverage fails below it (exit 1) and passes at it', async () => {
    const path = file('cov.test.json', passing);
    const r = await run(['test', path, '--coverage']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/coverage: 16\.6% of transitions; 25 not taken:/);
    expect(r.stdout).toContain('    route -> weather (intent.matched: weather)');
    const low = await run(['test', path, '--min-coverage', '50']);
    expect(low.code).toBe(1);
    expect(low.stderr).toMatch(/coverage 16\.6% is below --min-coverage 50%/);
    expect((await run(['test', path, '--min-coverage', '16'])).code).toBe(0);
  });

  it("runs the bundled flows' test files at 100% coverage (http mocks included)", async () => {
    const r = await run([
      'test',
      join(FLOWS, 'travel-assistant.test.json'),
      join(FLOWS, 'travel-assistant.local.test.json'),
      join(FLOWS, 'order-status.test.json'),
      join(FLOWS, 'order-status.mocks.test.json'),
      '--min-coverage',
      '100',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('coverage 100% of transitions');
    expect(r.stdout).toMatch(/order-status\.json: coverage 100% of transitions/);
  });

  it("--coverage lists an http block's failing status and its missing answer once each, and counts them apart", async () => {
    const flow = join(FLOWS, 'order-status.json');
    const withMocks = (name: string, ...lookup: unknown[]) =>
      file(name, {
        flow,
        intents: 'scripted',
        tests: lookup.map((mock, i) => ({ name: `call ${i}`, steps: [{ user: '1001' }], mocks: { http: { lookup: [mock] } } })),
      });
    const failures = async (path: string) => {
      const r = await run(['test', path, '--coverage']);
      expect(r.stdout).toContain('passed, 0 failed');
      return r.stdout.split('\n').filter((line) => line.trim().startsWith('lookup -> failed'));
    };
    expect(await failures(withMocks('ok.test.json', { status: 200, body: { status: 'shipped' } }))).toEqual([
      '    lookup -> failed (http.error: status not 2xx)',
      '    lookup -> failed (http.error: no usable answer)',
    ]);
    expect(await failures(withMocks('404.test.json', { status: 404 }))).toEqual(['    lookup -> failed (http.error: no usable answer)']);
    expect(await failures(withMocks('timeout.test.json', { error: 'timeout' }))).toEqual([
      '    lookup -> failed (http.error: status not 2xx)',
    ]);
  });

  it('--json prints the results as one object', async () => {
    const r = await run(['test', file('json.test.json', failing), '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      passed: number;
      failed: number;
      files: Array<{ results: Array<{ name: string; failure?: unknown }> }>;
      flows: Array<{ coverage: number; uncovered: string[] }>;
    };
    expect(out).toMatchObject({ passed: 2, failed: 1 });
    expect(out.files[0]?.results[2]).toMatchObject({
      name: 'wrong text',
      failure: { step: 1, expected: 'the bot to say "It will snow."' },
    });
    expect(out.flows[0]?.uncovered.length).toBeGreaterThan(0);
  });

  it('--junit writes JUnit XML that parses back to the same results', async () => {
    const out = join(file('probe', ''), '..', 'results.xml');
    const r = await run(['test', file('junit.test.json', failing), '--junit', out]);
    expect(r.code).toBe(1);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(out, 'utf8')) as {
      testsuites: {
        tests: string;
        failures: string;
        testsuite: {
          testcase: Array<{ name: string; failure?: { message: string; '#text': string } }>;
          properties: { property: Array<{ name: string; value: string }> };
        };
      };
    };
    expect(parsed.testsuites).toMatchObject({ tests: '3', failures: '1' });
    const cases = parsed.testsuites.testsuite.testcase;
    expect(cases.map((c) => c.name)).toEqual(['restaurant button', 'goodbye', 'wrong text']);
    expect(cases[0]?.failure).toBeUndefined();
    expect(cases[2]?.failure?.message).toBe('at step 2 {"bot":"It will snow."}');
    expect(cases[2]?.failure?.['#text']).toContain('expected: the bot to say "It will snow."');
    expect(parsed.testsuites.testsuite.properties.property[0]).toEqual({ name: 'coverage', value: '0.2333' });
  });

  it('exit 2 for an invalid test file, with pointers into it', async () => {
    const r = await run(['test', file('bad.test.json', { flow: 'x.json', tests: [{ name: 'n', steps: [{ shout: 'hi' }] }] })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/tests/0/steps/0/shout: unknown property "shout" (unknown_property)');
  });

  it('says so in one line when given a flow to run, or a test file to generate from (exit 2)', async () => {
    const flow = file('swapped.json', readFileSync(DEFAULT_FLOW_PATH, 'utf8'));
    expect(await run(['test', flow])).toEqual({
      code: 2,
      stdout: '',
      stderr: `${flow}: this is a flow, not a test file; to write tests for it: flowbot test --generate ${flow} --out FILE.test.json\n`,
    });
    const tests = file('swapped.test.json', passing);
    expect(await run(['test', '--generate', tests])).toEqual({
      code: 2,
      stdout: '',
      stderr: `${tests}: this is a test file, not a flow; to run it: flowbot test ${tests}\n`,
    });
  });

  it('exit 2 for a file that is not JSON, an unreadable file, an invalid flow, and bad usage', async () => {
    expect((await run(['test', file('notjson.test.json', '{')])).code).toBe(2);
    const missing = await run(['test', '/nonexistent/x.test.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read /nonexistent/x.test.json');
    const noflow = file('noflow.test.json', { ...passing, flow: 'missing-flow.json' });
    const flowless = await run(['test', noflow]);
    expect(flowless.code).toBe(2);
    // Where the test file names it, not as a usage error of the command.
    expect(flowless.stderr).toBe(
      `${noflow}: /flow: cannot read ${join(dirname(noflow), 'missing-flow.json')}: no such file (ENOENT); "flow" is relative to the test file\n`,
    );
    const brokenFlow = file('broken-flow.json', { name: 'b', start: 'nowhere', blocks: [{ id: 'a', type: 'end' }] });
    const invalid = await run(['test', file('broken.test.json', { ...passing, flow: brokenFlow })]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('unknown_block');
    expect((await run(['test'])).code).toBe(2);
    expect((await run(['test', 'a.json', '--min-coverage', 'lots'])).code).toBe(2);
    for (const pct of ['0x10', '1e2', ' 50', '']) {
      const r = await run(['test', 'a.json', '--min-coverage', pct]);
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([
        2,
        `flowbot test: --min-coverage must be a percentage from 0 to 100; got ${JSON.stringify(pct)}`,
      ]);
    }
    expect((await run(['test', file('pct.test.json', passing), '--min-coverage', '5.5%'])).code).toBe(0);
    expect((await run(['test', 'a.json', '--out', 'b.json'])).code).toBe(2);
    expect((await run(['test', '--generate', 'a.json', 'b.json'])).code).toBe(2);
    expect((await run(['test', '--generate', 'a.json', '--coverage'])).code).toBe(2);
  });

  it('--generate writes a test file (its flow relative to it) that passes at 100% coverage', async () => {
    const out = join(file('probe2', ''), '..', 'generated.test.json');
    const g = await run(['test', '--generate', DEFAULT_FLOW_PATH, '--out', out]);
    expect(g.code).toBe(0);
    expect(g.stderr).toMatch(/^\d+ tests, coverage 100% of 30 transitions, written to /);
    const document = JSON.parse(readFileSync(out, 'utf8')) as { flow: string; intents: string };
    expect(document).toMatchObject({ intents: 'scripted' });
    expect(document.flow).toMatch(/travel-assistant\.json$/);
    const r = await run(['test', out, '--min-coverage', '100']);
    expect(r.code).toBe(0);
  });

  it('--generate refuses an --out that is the flow file itself (by path or through a link), which it would overwrite', async () => {
    const flowText = readFileSync(DEFAULT_FLOW_PATH, 'utf8');
    const flow = file('own.json', flowText);
    const linked = join(dirname(flow), 'linked.json');
    symlinkSync(flow, linked);
    for (const out of [flow, join(dirname(flow), '.', 'own.json'), linked]) {
      const g = await run(['test', '--generate', flow, '--out', out]);
      expect(g.code).toBe(2);
      expect(g.stderr).toContain(`flowbot test: --out ${out} is the flow file itself`);
    }
    expect(readFileSync(flow, 'utf8')).toBe(flowText);
  });

  it('a --junit or --out path that cannot be written is exit 2 naming the option and path, after the results', async () => {
    const folder = dirname(file('passing.test.json', passing));
    const junit = await run(['test', join(folder, 'passing.test.json'), '--junit', folder]);
    expect(junit.code).toBe(2);
    expect(junit.stdout).toContain('2 passed, 0 failed');
    expect(junit.stderr).toMatch(new RegExp(`^flowbot test: cannot write --junit ${folder}: EISDIR\n`));
    const out = await run(['test', '--generate', DEFAULT_FLOW_PATH, '--out', folder]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`^flowbot test: cannot write --out ${folder}: EISDIR\n`));
  });

  it('--generate says (exit 1) when the file it wrote is one flowbot test would refuse, e.g. over MAX_BODY_BYTES', async () => {
    const long = 'A long greeting, said again at the start of every test the generator writes. '.repeat(4);
    const flow = file('wordy.json', {
      name: 'w',
      start: 'hello',
      blocks: [
        { id: 'hello', type: 'message', text: long, next: 'ask' },
        { id: 'ask', type: 'wait', next: 'hello', choices: [{ label: 'A' }, { label: 'B' }, { label: 'C' }] },
      ],
    });
    const out = join(dirname(flow), 'wordy.test.json');
    const env = { MAX_BODY_BYTES: '1024' };
    const g = await run(['test', '--generate', flow, '--out', out], undefined, env);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(
      /flowbot test would refuse this file: it is \d+ bytes, more than MAX_BODY_BYTES \(1024\); raise MAX_BODY_BYTES/,
    );
    expect((await run(['test', out], undefined, env)).stderr).toContain('(payload_too_large)');
    expect((await run(['test', '--generate', flow, '--out', out])).code).toBe(0);
  });

  it('--generate without --out prints the file; a transition it cannot reach is named with why, exit 1', async () => {
    const flow = file('unreachable.json', {
      name: 'u',
      start: 'ask',
      blocks: [
        { id: 'ask', type: 'wait', saveAs: 'code', next: 'check', expect: { type: 'pattern', pattern: '^[0-9]{2}-[A-Z]{4}$' } },
        { id: 'check', type: 'condition', cases: [{ when: { var: 'code', op: 'eq', value: '12-ABCD' }, next: 'yes' }], else: 'no' },
        { id: 'yes', type: 'end', text: 'ok' },
        { id: 'no', type: 'end', text: 'no' },
        { id: 'lost', type: 'message', text: 'never', next: 'ask' },
      ],
    });
    const g = await run(['test', '--generate', flow]);
    expect(g.code).toBe(1);
    expect(JSON.parse(g.stdout)).toMatchObject({ intents: 'scripted' });
    expect(g.stderr).toContain('not covered: lost -> ask (next): block "lost" is never reached from the start');
  });
});
