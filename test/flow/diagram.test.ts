import { compileFlow } from '../../src/flow/compile';
import { exportMachine, MAX_NEIGHBOURHOOD_BLOCKS, toDiagram, toMermaid } from '../../src/flow/export';
import type { Block } from '../../src/flow/types';
import { chainFlow } from '../support/chain-flow';
import { defaultFlow } from '../support/flows';

describe('diagram export', () => {
  const travel = compileFlow(defaultFlow());

  it('the whole flow: the Mermaid export itself and a node for every block', () => {
    const diagram = toDiagram(travel);
    expect(diagram.mermaid).toBe(toMermaid(travel));
    expect(diagram.blockCount).toBe(defaultFlow().blocks.length);
    expect(diagram.start).toBe('welcome');
    expect(diagram.around).toBeNull();
    expect(diagram.depth).toBeNull();
    expect(diagram.nodes).toEqual({
      welcome: { node: 'b0', type: 'message' },
      ask: { node: 'b1', type: 'wait' },
      route: { node: 'b2', type: 'intent' },
      clarify: { node: 'b3', type: 'message' },
      weather: { node: 'b4', type: 'message' },
      travel: { node: 'b5', type: 'message' },
      food: { node: 'b6', type: 'message' },
      handover: { node: 'b7', type: 'end' },
      goodbye: { node: 'b8', type: 'end' },
      nightsAsk: { node: 'b9', type: 'message' },
      nights: { node: 'b10', type: 'wait' },
      countOffer: { node: 'b11', type: 'set' },
      pickOffer: { node: 'b12', type: 'condition' },
      longStay: { node: 'b13', type: 'message' },
      oneNight: { node: 'b14', type: 'message' },
      shortBreak: { node: 'b15', type: 'message' },
      pause: { node: 'b16', type: 'message' },
    });
    // Every node the map names is a state of the Mermaid text: the page highlights by this map.
    for (const [id, { node, type }] of Object.entries(diagram.nodes)) {
      expect(diagram.mermaid).toContain(`state "${id} (${type})" as ${node}\n`);
    }
    expect(JSON.parse(exportMachine(travel, 'diagram'))).toEqual(diagram);
  });

  it('a neighbourhood: the block, where it leads in `depth` steps, what leads straight to it', () => {
    const compiled = compileFlow(chainFlow(100));
    const diagram = toDiagram(compiled, { around: 'w50', depth: 2 });
    expect(diagram).toBeDefined();
    if (!diagram) return;
    // w50 -> r50 -> {m51, done, m50 (no match)}; m50 leads to w50.
    expect(Object.keys(diagram.nodes).sort()).toEqual(['done', 'm50', 'm51', 'r50', 'w50']);
    expect(diagram.blockCount).toBe(301);
    expect(diagram.around).toBe('w50');
    expect(diagram.depth).toBe(2);
    // Node ids are those of the whole flow, so the same block is the same node in every view.
    expect(diagram.nodes.w50).toEqual({ node: 'b151', type: 'wait' });
    // m51 goes on to w51, which is not shown; the others lead only to blocks shown (an end leads nowhere).
    expect(diagram.nodes.m51?.more).toBe(true);
    expect(diagram.nodes.r50?.more).toBeUndefined();
    expect(diagram.nodes.done?.more).toBeUndefined();
    expect(diagram.mermaid).toContain('b151 --> b152 : user message');
    expect(diagram.mermaid).toContain('b152 --> b153 : next');
    expect(diagram.mermaid).not.toContain('b153 --> b154'); // m51 -> w51 leaves the view: left out
    expect(diagram.mermaid).toContain('b300 --> [*]');
    expect(diagram.mermaid).not.toContain('[*] --> b0'); // the start is not in this view
    const states = diagram.mermaid.split('\n').filter((line) => line.trimStart().startsWith('state '));
    expect(states).toHaveLength(5);
  });

  it('the start block of the flow is marked as such in a neighbourhood that holds it', () => {
    const diagram = toDiagram(compileFlow(chainFlow(100)), { around: 'm0', depth: 1 });
    expect(diagram?.mermaid).toContain('[*] --> b0');
    expect(Object.keys(diagram?.nodes ?? {}).sort()).toEqual(['m0', 'r0', 'w0']);
  });

  it('a neighbourhood never holds more than MAX_NEIGHBOURHOOD_BLOCKS blocks, nearest first', () => {
    // A menu that leads to 120 blocks, each of which leads back to it.
    const options: Block[] = Array.from({ length: 120 }, (_, i) => ({ id: `o${i}`, type: 'message', text: 'x', next: 'menu' }));
    const compiled = compileFlow({
      name: 'wide',
      start: 'menu',
      blocks: [
        { id: 'menu', type: 'message', text: 'pick', next: 'pick' },
        { id: 'pick', type: 'wait', next: 'route' },
        {
          id: 'route',
          type: 'intent',
          intents: options.slice(0, 50).map((o, i) => ({ id: `i${i}`, description: `option ${i}`, next: o.id })),
          noMatch: 'o50',
        },
        ...options,
      ],
    });
    const diagram = toDiagram(compiled, { around: 'pick', depth: 3 });
    const shown = Object.keys(diagram?.nodes ?? {});
    expect(shown).toHaveLength(MAX_NEIGHBOURHOOD_BLOCKS);
    expect(shown).toEqual(expect.arrayContaining(['menu', 'pick', 'route']));
    expect(diagram?.nodes.route?.more).toBe(true);
  });

  it('is undefined for a block the flow does not have', () => {
    expect(toDiagram(travel, { around: 'nope', depth: 2 })).toBeUndefined();
  });
});
