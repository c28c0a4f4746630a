import fc from 'fast-check';
import { compileFlow } from '../../src/flow/compile';
import { outgoingEdges } from '../../src/flow/edges';
import { toMermaid } from '../../src/flow/export';
import { RESUME_EVENT, type StateJson, type TransitionJson } from '../../src/flow/machine-config';
import type { Flow } from '../../src/flow/types';
import { validateFlow } from '../../src/flow/validate';
import { defaultFlow } from '../support/flows';
import { validFlowArb } from '../support/flow-fuzz';

/** The transitions that move the flow on: not the resume event's re-entry, not a targetless no-op. */
function transitionsOf(state: StateJson): TransitionJson[] {
  return [
    ...(state.always ? [state.always].flat() : []),
    ...Object.entries(state.on ?? {})
      .filter(([event]) => event !== RESUME_EVENT)
      .flatMap(([, transitions]) => [transitions].flat()),
    ...Object.values(state.after ?? {}).flat(),
    // An http block's onDone ends with its failure edge, and onError (the actor itself failing) repeats it.
    ...(state.invoke ? [...state.invoke.onDone, ...(state.invoke.src === 'callHttp' ? [] : [state.invoke.onError])] : []),
  ].filter((t) => t.target !== undefined);
}

describe('outgoingEdges', () => {
  it("lists an intent block's edges in the order the runtime tries them", () => {
    const route = defaultFlow().blocks[2];
    expect(outgoingEdges(route).map((e) => [e.kind, e.to, e.field.join('/')])).toEqual([
      ['intent', 'weather', 'intents/0/next'],
      ['intent', 'travel', 'intents/1/next'],
      ['intent', 'food', 'intents/2/next'],
      ['intent', 'goodbye', 'intents/3/next'],
      ['maxNoMatch', 'handover', 'onMaxNoMatch'],
      ['noMatch', 'clarify', 'noMatch'],
      ['error', 'clarify', 'onError'],
    ]);
  });

  it('implies the error edge from noMatch when onError is absent', () => {
    expect(outgoingEdges({ type: 'intent', intents: [], noMatch: 'x' })).toEqual([
      { kind: 'noMatch', to: 'x', field: ['noMatch'] },
      { kind: 'error', implied: true, to: 'x', field: ['noMatch'] },
    ]);
  });

  it.each([
    null,
    'block',
    [],
    { type: 'end' },
    { type: 'video', next: 'x' },
    { type: 'message', next: 3 },
    { type: 'intent', intents: [null, { next: 1 }] },
  ])('reads anything without throwing: %j has no edges', (block) => {
    expect(outgoingEdges(block)).toEqual([]);
  });

  it('is what the compiler and the Mermaid export draw, for any valid flow', () => {
    fc.assert(
      fc.property(validFlowArb(), (flow: Flow) => {
        expect(validateFlow(flow).valid).toBe(true);
        const compiled = compileFlow(flow);
        const mermaid = toMermaid(compiled);
        flow.blocks.forEach((block, i) => {
          const targets = outgoingEdges(block).map((e) => e.to);
          expect(transitionsOf(compiled.config.states[block.id] as StateJson).map((t) => t.target)).toEqual(targets);
          const drawn = mermaid
            .split('\n')
            .filter((line) => line.startsWith(`  b${i} --> b`))
            .map((line) => Number(/--> b(\d+)/.exec(line)?.[1]));
          expect(drawn).toEqual([...new Set(targets)].map((id) => flow.blocks.findIndex((b) => b.id === id)));
        });
      }),
      { numRuns: 200 },
    );
  });
});
