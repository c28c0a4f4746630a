import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { prepareFlow } from '../../src/flow';
import type { CompiledFlow } from '../../src/flow/compile';
import type { Flow } from '../../src/flow/types';
import { type HttpMock, machineTransitions, runSuite, transitionLabel, type TestSuite, type TestTarget } from '../../src/testing';
import { validFlowArb } from '../support/flow-fuzz';
import { defaultFlow, pizzaFlow } from '../support/flows';

const FLOWS = join(__dirname, '..', '..', 'flows');

function compiled(flow: Flow): CompiledFlow {
  const prepared = prepareFlow(flow);
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
  return prepared.compiled;
}

/** The labels coverage gives more than one transition of the machine. */
function repeatedLabels(c: CompiledFlow): string[] {
  const labels = machineTransitions(c.config).map(transitionLabel);
  return [...new Set(labels.filter((label, i) => labels.indexOf(label) !== i))];
}

const bundled = readdirSync(FLOWS)
  .filter((name) => name.endsWith('.json') && !name.endsWith('.test.json'))
  .map((name): [string, Flow] => [name, JSON.parse(readFileSync(join(FLOWS, name), 'utf8')) as Flow]);

describe('coverage labels', () => {
  it.each([...bundled, ['the default flow', defaultFlow()] as [string, Flow], ['the pizza flow', pizzaFlow()] as [string, Flow]])(
    'are unique among the transitions of %s',
    (_name, flow) => {
      expect(repeatedLabels(compiled(flow))).toEqual([]);
    },
  );

  it('are unique among the transitions of any valid flow', () => {
    fc.assert(
      fc.property(validFlowArb(), (flow: Flow) => {
        expect(repeatedLabels(compiled(flow))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("coverage of an http block's error way out", () => {
  const orderStatus = compiled(JSON.parse(readFileSync(join(FLOWS, 'order-status.json'), 'utf8')) as Flow);
  const target: TestTarget = {
    compiled: orderStatus,
    localDetector: () => ({ name: 'local', detect: () => Promise.reject(new Error('scripted only')) }),
  };
  const STATUS = 'lookup -> failed (http.error: status not 2xx)';
  const NO_ANSWER = 'lookup -> failed (http.error: no usable answer)';

  async function uncoveredWith(...mocks: HttpMock[]): Promise<string[]> {
    const suite: TestSuite = {
      intents: 'scripted',
      tests: mocks.map((mock, i) => ({ name: `call ${i}`, steps: [{ user: '1001' }], mocks: { http: { lookup: [mock] } } })),
    };
    const run = await runSuite(suite, target);
    expect(run.summary.failed).toBe(0);
    return run.summary.uncovered;
  }

  it('lists a failing status and no answer apart when neither was tried', async () => {
    const uncovered = await uncoveredWith({ status: 200, body: { status: 'shipped' } });
    expect(uncovered.filter((label) => label.startsWith('lookup -> failed'))).toEqual([STATUS, NO_ANSWER]);
  });

  it('counts a 404 for the failing status only, a timeout, a blocked call and an answer not JSON for no answer only', async () => {
    expect(await uncoveredWith({ status: 404 })).not.toContain(STATUS);
    expect(await uncoveredWith({ status: 404 })).toContain(NO_ANSWER);
    for (const mock of [
      { error: 'timeout' },
      { error: 'blocked' },
      { status: 200, body: 'oops', headers: { 'content-type': 'text/plain' } },
    ] as HttpMock[]) {
      const uncovered = await uncoveredWith(mock);
      expect(uncovered).toContain(STATUS);
      expect(uncovered).not.toContain(NO_ANSWER);
    }
    const both = await uncoveredWith({ status: 503 }, { error: 'network' });
    expect(both.filter((label) => label.startsWith('lookup -> failed'))).toEqual([]);
  });
});
