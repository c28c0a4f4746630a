import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { prepareFlow } from '../../src/flow';
import type { CompiledFlow } from '../../src/flow/compile';
import type { Flow } from '../../src/flow/types';
import { generateTests, machineTransitions, runSuite, type TestTarget } from '../../src/testing';
import { validFlowArb } from '../support/flow-fuzz';
import { defaultFlow, pizzaFlow } from '../support/flows';

function compiled(flow: Flow): CompiledFlow {
  const prepared = prepareFlow(flow);
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
  return prepared.compiled;
}

const noDetector: TestTarget['localDetector'] = () => ({ name: 'local', detect: () => Promise.reject(new Error('scripted only')) });

async function generatedAndRun(flow: Flow) {
  const c = compiled(flow);
  const generated = await generateTests(c);
  const run = await runSuite(generated.suite, { compiled: c, localDetector: noDetector });
  return { c, generated, run };
}

describe('test generation', () => {
  it('covers every transition of the bundled flow, with readable texts, and every test passes as written', async () => {
    const { c, generated, run } = await generatedAndRun(defaultFlow());
    expect(generated.unreachable).toEqual([]);
    expect(generated.coverage).toMatchObject({ ratio: 1, total: machineTransitions(c.config).length });
    expect(run.summary).toMatchObject({ failed: 0, coverage: 1, uncovered: [] });
    const steps = generated.suite.tests.flatMap((t) => t.steps);
    // User texts come from the intents' examples and choices are picked by value.
    expect(steps).toContainEqual({ user: 'will it rain tomorrow?' });
    expect(steps).toContainEqual({ choice: 'forecast' });
    expect(steps).toContainEqual({ intent: { error: 'detection failed' } });
    expect(steps).toContainEqual({ silence: 60 });
    expect(new Set(generated.suite.tests.map((t) => t.name)).size).toBe(generated.suite.tests.length);
  });

  it('covers the pizza flow (choice-only answers, typed answers, conditions on them, counters) but an else no answer can reach', async () => {
    const { generated, run } = await generatedAndRun(pizzaFlow());
    // Every size is "S" or "L", and the summary "size L" matches the second case: the else cannot happen.
    expect(generated.unreachable).toEqual([
      {
        transition: 'check -> handoff (condition.else)',
        reason: 'a case of "check" holds for every answer generation tries: the else may never be taken',
      },
    ]);
    expect(run.summary.failed).toBe(0);
    expect(run.summary.uncovered).toEqual(['check -> handoff (condition.else)']);
  });

  it('answers http blocks with mocks: both outcomes of each call, and the values conditions after it compare with', async () => {
    const flow = JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'order-status.json'), 'utf8')) as Flow;
    const { c, generated, run } = await generatedAndRun(flow);
    expect(generated.unreachable).toEqual([]);
    expect(generated.coverage).toMatchObject({ ratio: 1, total: machineTransitions(c.config).length });
    expect(run.summary).toMatchObject({ failed: 0, coverage: 1, uncovered: [] });
    const mocks = generated.suite.tests.flatMap((t) => t.mocks?.http?.lookup ?? []);
    // 2xx -> show (and each status the condition "show" compares), failure -> failed (a 404 for "notFound", else "outage").
    expect(mocks).toEqual(
      expect.arrayContaining([
        { status: 200, body: { status: 'shipped' } },
        { status: 200, body: { status: 'delivered' } },
        { status: 404 },
        { error: 'network' },
      ]),
    );
    // Each test that gives an order number (so calls the service) brings its mocks; one that never calls, none.
    for (const test of generated.suite.tests) {
      const calls = test.steps.some((step) => 'user' in step && /^\d+$/.test(step.user ?? ''));
      expect(test.mocks?.http !== undefined).toBe(calls);
    }
  });

  it('reaches branches on httpError and on a status saved with $status, and mocks a block called "constructor"', async () => {
    const { generated, run } = await generatedAndRun({
      name: 'h',
      start: 'constructor',
      blocks: [
        {
          id: 'constructor',
          type: 'http',
          method: 'POST',
          url: 'https://api.example.com/items',
          body: { a: 1 },
          save: { code: '$status', first: '/items/0/name' },
          next: 'created',
          onError: 'why',
        },
        { id: 'created', type: 'condition', cases: [{ when: { var: 'code', op: 'eq', value: 201 }, next: 'new' }], else: 'old' },
        {
          id: 'why',
          type: 'condition',
          cases: [
            { when: { var: 'httpError', op: 'eq', value: 'timeout' }, next: 'slow' },
            { when: { var: 'httpError', op: 'eq', value: 'invalid_json' }, next: 'garbled' },
          ],
          else: 'down',
        },
        { id: 'new', type: 'end', text: 'new {{first|-}}' },
        { id: 'old', type: 'end' },
        { id: 'slow', type: 'end' },
        { id: 'garbled', type: 'end' },
        { id: 'down', type: 'end' },
      ],
    });
    expect(generated.unreachable).toEqual([]);
    expect(run.summary).toMatchObject({ failed: 0, coverage: 1 });
    const mocks = generated.suite.tests.flatMap((t) => t.mocks?.http?.constructor ?? []);
    expect(mocks).toEqual(
      expect.arrayContaining([
        { status: 201, body: {} },
        { error: 'timeout' },
        { status: 200, body: 'not JSON', headers: { 'content-type': 'text/plain' } },
      ]),
    );
  });

  it('on random flows with an http block and conditions on what it saved: both outcomes always taken, every generated test passes', async () => {
    const comparison = fc.oneof(
      fc.record({
        var: fc.constant('v'),
        op: fc.constantFrom('eq', 'contains', 'startsWith'),
        value: fc.constantFrom('open', 'closed', 'x1'),
      }),
      fc.record({ var: fc.constant('v'), op: fc.constantFrom('eq', 'gt', 'lt'), value: fc.integer({ min: -5, max: 50 }) }),
      fc.record({ var: fc.constant('v'), op: fc.constant('isSet') }),
      fc.record({ var: fc.constant('code'), op: fc.constantFrom('eq', 'gte'), value: fc.constantFrom(200, 201, 204) }),
    );
    const failure = fc.oneof(
      fc.record({ var: fc.constant('httpStatus'), op: fc.constant('eq'), value: fc.constantFrom(400, 404, 500, 503) }),
      fc.record({
        var: fc.constant('httpError'),
        op: fc.constant('eq'),
        value: fc.constantFrom('timeout', 'network', 'status', 'invalid_json'),
      }),
    );
    const flowArb = fc
      .record({
        ok: fc.array(comparison, { minLength: 0, maxLength: 3 }),
        failed: fc.array(failure, { minLength: 0, maxLength: 3 }),
        pointer: fc.constantFrom('/v', '/data/v', '/items/0/v', ''),
        loop: fc.boolean(),
      })
      .map(({ ok, failed, pointer, loop }): Flow => {
        const ends = (prefix: string, n: number) =>
          Array.from({ length: n + 1 }, (_, i) => ({ id: `${prefix}${i}`, type: 'end' as const, text: `${prefix} ${i}` }));
        return {
          name: 'random http',
          start: 'ask',
          blocks: [
            { id: 'ask', type: 'wait', saveAs: 'q', next: 'call' },
            {
              id: 'call',
              type: 'http',
              method: 'GET',
              url: 'https://api.example.com/items/{{q}}',
              save: { v: pointer, code: '$status' },
              next: 'check',
              onError: 'failed',
            },
            {
              id: 'check',
              type: 'condition',
              cases: ok.map((when, i) => ({ when, next: `ok${i}` })),
              else: loop ? 'ask' : `ok${ok.length}`,
            },
            {
              id: 'failed',
              type: 'condition',
              cases: failed.map((when, i) => ({ when, next: `ko${i}` })),
              else: `ko${failed.length}`,
            },
            ...ends('ok', ok.length),
            ...ends('ko', failed.length),
          ],
        };
      });
    await fc.assert(
      fc.asyncProperty(flowArb, async (flow) => {
        const prepared = prepareFlow(flow);
        if (!prepared.ok) return; // a random case list the validator refuses (e.g. an empty one) is not this test's subject
        const { generated, run } = await generatedAndRun(flow);
        expect(run.summary.failed).toBe(0);
        expect(run.summary.uncovered).toEqual(generated.unreachable.map((u) => u.transition));
        // What it cannot reach are cases shadowed by earlier ones (and elses no answer can get to), never the call's own ways out.
        for (const u of generated.unreachable) expect(u.transition).toMatch(/^(check|failed) -> \S+ \(condition\.(case: \d|else)\)$/);
        for (const test of generated.suite.tests) expect(test.mocks?.http?.call?.length).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('says which transitions it cannot reach and why', async () => {
    const { generated } = await generatedAndRun({
      name: 'u',
      start: 'ask',
      blocks: [
        { id: 'ask', type: 'wait', saveAs: 'city', next: 'check' },
        { id: 'check', type: 'condition', cases: [{ when: { var: 'city', op: 'matches', value: '^ly[o]n$' }, next: 'yes' }], else: 'no' },
        { id: 'yes', type: 'end' },
        { id: 'no', type: 'end' },
        { id: 'lost', type: 'message', text: 'never', next: 'ask' },
      ],
    });
    expect(generated.unreachable).toEqual([
      {
        transition: 'check -> yes (condition.case: 0)',
        reason: 'no answer generation tries makes case 0 of "check" hold; write this test by hand',
      },
      { transition: 'lost -> ask (next)', reason: 'block "lost" is never reached from the start' },
    ]);
  });

  it('on fuzzer-made valid flows: generated tests pass, and cover 100% where it reports nothing unreachable', async () => {
    await fc.assert(
      fc.asyncProperty(validFlowArb('mixed', 7), async (flow) => {
        const { generated, run } = await generatedAndRun(flow);
        expect(run.summary.failed).toBe(0);
        const unreachable = generated.unreachable.map((u) => u.transition);
        expect(run.summary.uncovered).toEqual(unreachable);
        for (const u of generated.unreachable) expect(u.reason).not.toBe('');
        if (unreachable.length === 0) expect(run.summary.coverage).toBe(1);
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
