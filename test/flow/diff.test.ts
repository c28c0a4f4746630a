import { diffFlows } from '../../src/flow/diff';
import type { Flow } from '../../src/flow/types';
import { defaultFlow, pizzaFlow } from '../support/flows';

describe('diffFlows', () => {
  it('finds nothing between a flow and itself', () => {
    expect(diffFlows(pizzaFlow(), pizzaFlow())).toEqual({
      properties: [],
      blocks: { added: [], removed: [], changed: [] },
      transitions: { added: [], removed: [], changed: [] },
    });
  });

  it('names choices by value, so reordering buttons changes the block but no transition', () => {
    const before = pizzaFlow();
    const after = pizzaFlow();
    const size = after.blocks.find((b) => b.id === 'size');
    if (size?.type !== 'wait' || !size.choices) throw new Error('pizza flow changed');
    size.choices.reverse();
    const diff = diffFlows(before, after);
    expect(diff.blocks.changed).toEqual([{ id: 'size', fields: ['choices'] }]);
    expect(diff.transitions).toEqual({ added: [], removed: [], changed: [] });
  });

  it('reports transitions added, removed and retargeted, and top-level properties', () => {
    const before = defaultFlow();
    const after: Flow = JSON.parse(JSON.stringify(before)) as Flow;
    after.name = 'Renamed';
    const route = after.blocks.find((b) => b.type === 'intent');
    if (route?.type !== 'intent') throw new Error('default flow changed');
    const [first, ...rest] = route.intents;
    if (!first) throw new Error('default flow changed');
    const removedIntent = rest.pop();
    route.intents = [{ ...first, next: route.noMatch }, ...rest, { id: 'joke', description: 'Tell me a joke', next: first.next }];
    const diff = diffFlows(before, after);
    expect(diff.properties).toEqual(['name']);
    expect(diff.blocks.changed).toEqual([{ id: route.id, fields: ['intents'] }]);
    expect(diff.transitions.added).toEqual([{ from: route.id, on: 'intent:joke', to: first.next }]);
    expect(diff.transitions.removed).toEqual([{ from: route.id, on: `intent:${removedIntent?.id}`, to: removedIntent?.next }]);
    expect(diff.transitions.changed).toEqual([{ from: route.id, on: `intent:${first.id}`, before: first.next, after: route.noMatch }]);
  });
});
