import { SCHEMA_FLOW_LIMITS } from '../../src/flow/limits';
import { validateFlow } from '../../src/flow/validate';
import type { Flow } from '../../src/flow/types';
import { defaultFlow } from '../support/flows';

type Mutable = Record<string, unknown> & { blocks: Array<Record<string, unknown>> };

/** The default flow, changed by `mutate`: one broken variant per rule. */
function variant(mutate: (flow: Mutable) => void): unknown {
  const flow = defaultFlow() as unknown as Mutable;
  mutate(flow);
  return flow;
}

function block(flow: Mutable, id: string): Record<string, unknown> {
  const found = flow.blocks.find((b) => b.id === id);
  if (!found) throw new Error(`no block ${id}`);
  return found;
}

function codesAt(input: unknown): Array<[string, string]> {
  return validateFlow(input).errors.map((e) => [e.path, e.code]);
}

describe('validateFlow', () => {
  it('accepts the bundled default flow without warnings', () => {
    expect(validateFlow(defaultFlow())).toEqual({ valid: true, errors: [], warnings: [] });
  });

  it.each([null, 42, 'flow', [], true, undefined])('answers with errors, never throws, for %p', (input) => {
    const result = validateFlow(input);
    expect(result.valid).toBe(false);
    expect(result.errors[0]).toMatchObject({ path: '', code: 'invalid_type' });
  });

  it('reports missing required properties with their pointer', () => {
    expect(codesAt({ blocks: [] })).toEqual(
      expect.arrayContaining([
        ['/name', 'missing_property'],
        ['/start', 'missing_property'],
        ['/blocks', 'too_few_items'],
      ]),
    );
  });

  it('rejects unknown keys at every level except meta', () => {
    const input = variant((f) => {
      f.colour = 'red';
      block(f, 'welcome').delay = 3;
      (block(f, 'route').intents as Array<Record<string, unknown>>)[1]!.weight = 2;
      f.meta = { anything: { goes: [1, 2] } };
    });
    expect(codesAt(input)).toEqual([
      ['/colour', 'unknown_property'],
      ['/blocks/0/delay', 'unknown_property'],
      ['/blocks/2/intents/1/weight', 'unknown_property'],
    ]);
  });

  it('rejects an unknown block type and a malformed id', () => {
    const input = variant((f) => {
      block(f, 'welcome').type = 'video';
      block(f, 'ask').id = '9lives';
    });
    const codes = codesAt(input);
    expect(codes).toContainEqual(['/blocks/0/type', 'invalid_value']);
    expect(codes).toContainEqual(['/blocks/1/id', 'invalid_format']);
  });

  it('explains each pattern in plain words', () => {
    const input = variant((f) => {
      block(f, 'ask').saveAs = 'my-var';
      block(f, 'welcome').id = 'my var';
    });
    const messages = validateFlow(input).errors.map((e) => e.message);
    expect(messages).toContain('must match ^[A-Za-z][A-Za-z0-9_]{0,63}$ (a letter, then up to 63 letters, digits or "_")');
    expect(messages).toContain('must match ^[A-Za-z][A-Za-z0-9_-]{0,63}$ (a letter, then up to 63 letters, digits, "_" or "-")');
  });

  it('rejects saveAs names the runtime sets itself', () => {
    const input = variant((f) => {
      block(f, 'ask').saveAs = 'intent';
    });
    expect(codesAt(input)).toEqual([['/blocks/1/saveAs', 'reserved_variable']]);
  });

  it('enforces text length and saveAs format', () => {
    const input = variant((f) => {
      block(f, 'welcome').text = '';
      block(f, 'weather').text = 'x'.repeat(4001);
      block(f, 'ask').saveAs = 'my-var';
    });
    expect(codesAt(input)).toEqual(
      expect.arrayContaining([
        ['/blocks/0/text', 'too_short'],
        ['/blocks/4/text', 'too_long'],
        ['/blocks/1/saveAs', 'invalid_format'],
      ]),
    );
  });

  it('requires maxNoMatch and onMaxNoMatch together', () => {
    const input = variant((f) => {
      delete block(f, 'route').onMaxNoMatch;
    });
    expect(codesAt(input)).toEqual([['/blocks/2/onMaxNoMatch', 'missing_property']]);
  });

  it('reports a dangling reference in every kind of field', () => {
    const input = variant((f) => {
      f.start = 'nowhere';
      block(f, 'welcome').next = 'gone';
      const route = block(f, 'route');
      route.noMatch = 'lost';
      route.onError = 'missing';
      route.onMaxNoMatch = 'absent';
      (route.intents as Array<Record<string, unknown>>)[2]!.next = 'void';
    });
    expect(codesAt(input)).toEqual([
      ['/start', 'unknown_block'],
      ['/blocks/0/next', 'unknown_block'],
      ['/blocks/2/noMatch', 'unknown_block'],
      ['/blocks/2/onError', 'unknown_block'],
      ['/blocks/2/onMaxNoMatch', 'unknown_block'],
      ['/blocks/2/intents/2/next', 'unknown_block'],
    ]);
  });

  it('suggests the block a dangling reference was probably meant to name', () => {
    const input = variant((f) => {
      block(f, 'welcome').next = 'aks';
      block(f, 'route').noMatch = 'Clarify';
      block(f, 'weather').next = 'somewhere-else';
    });
    expect(validateFlow(input).errors.map((e) => [e.path, e.message])).toEqual([
      ['/blocks/0/next', 'block "aks" does not exist; did you mean "ask"?'],
      ['/blocks/2/noMatch', 'block "Clarify" does not exist; did you mean "clarify"?'],
      ['/blocks/4/next', 'block "somewhere-else" does not exist'],
    ]);
  });

  it('reports duplicate block ids and duplicate or reserved intent ids', () => {
    const input = variant((f) => {
      block(f, 'food').id = 'travel';
      const intents = block(f, 'route').intents as Array<Record<string, unknown>>;
      intents[1]!.id = 'weather';
      intents[3]!.id = 'none';
    });
    const codes = codesAt(input);
    expect(codes).toContainEqual(['/blocks/6/id', 'duplicate_block_id']);
    expect(codes).toContainEqual(['/blocks/2/intents/1/id', 'duplicate_intent_id']);
    expect(codes).toContainEqual(['/blocks/2/intents/3/id', 'reserved_intent_id']);
  });

  it('reports a loop that never waits and names its blocks in order', () => {
    const input = variant((f) => {
      block(f, 'weather').next = 'travel';
      block(f, 'travel').next = 'food';
      block(f, 'food').next = 'weather';
    });
    const result = validateFlow(input);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ path: '/blocks/4', code: 'loop_without_wait' });
    expect(result.errors[0]!.message).toContain('"weather" → "travel" → "food" → "weather"');
  });

  it('reports a block that loops onto itself', () => {
    const input = variant((f) => {
      block(f, 'clarify').next = 'clarify';
    });
    expect(codesAt(input)).toContainEqual(['/blocks/3', 'loop_without_wait']);
  });

  it('accepts loops that pass through a wait block (jumping back is the point)', () => {
    expect(validateFlow(defaultFlow()).valid).toBe(true); // every answer goes back to "ask"
  });

  it('reports an intent block reachable before any wait', () => {
    const input = variant((f) => {
      block(f, 'welcome').next = 'route';
    });
    expect(codesAt(input)).toContainEqual(['/blocks/2', 'intent_before_wait']);
  });

  it('warns about unreachable blocks without failing', () => {
    const input = variant((f) => {
      f.blocks.push({ id: 'orphan', type: 'message', text: 'nobody sees me', next: 'ask' });
    });
    const result = validateFlow(input);
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([
      expect.objectContaining({ path: `/blocks/${defaultFlow().blocks.length}`, code: 'unreachable_block' }),
    ]);
  });

  it('reports schema and semantic problems of one document together', () => {
    const input = variant((f) => {
      block(f, 'welcome').next = 'gone';
      block(f, 'ask').extra = true;
    });
    expect(codesAt(input)).toEqual([
      ['/blocks/1/extra', 'unknown_property'],
      ['/blocks/0/next', 'unknown_block'],
    ]);
  });

  it('escapes JSON pointer segments', () => {
    const input = variant((f) => {
      f['a/b~c'] = 1;
    });
    expect(codesAt(input)).toEqual([['/a~1b~0c', 'unknown_property']]);
  });

  it('handles a 10,000-block chain without overflowing the stack', () => {
    const blocks: Flow['blocks'] = [];
    for (let i = 0; i < 10000; i++) blocks.push({ id: `m${i}`, type: 'message', text: 'hi', next: `m${i + 1}` });
    blocks.push({ id: 'm10000', type: 'message', text: 'loop', next: 'm0' });
    const result = validateFlow({ name: 'long', start: 'm0', blocks });
    expect(result.errors.map((e) => e.code)).toEqual(['loop_without_wait']);
  });

  describe('placeholders', () => {
    const withText = (text: string, extra?: (f: Mutable) => void): unknown =>
      variant((f) => {
        block(f, 'welcome').text = text;
        extra?.(f);
      });

    it('warns about a placeholder no block sets, suggesting the name it probably meant', () => {
      const result = validateFlow(withText('Hi {{requets}} and {{nobody}}'));
      expect(result.valid).toBe(true);
      expect(result.warnings).toEqual([
        {
          path: '/blocks/0/text',
          code: 'unknown_variable',
          message: 'no block sets the variable "requets", so {{requets}} renders as ""; did you mean "request"?',
        },
        { path: '/blocks/0/text', code: 'unknown_variable', message: 'no block sets the variable "nobody", so {{nobody}} renders as ""' },
      ]);
    });

    it('counts the builtins and every saveAs as set, wherever they are in the flow', () => {
      const input = withText('{{lastMessage}} {{intent}} {{request}} {{later}}', (f) => {
        f.blocks.push({ id: 'late', type: 'wait', saveAs: 'later', next: 'ask' });
      });
      // No unknown_variable: every name is set somewhere. That the welcome text comes before any block
      // sets request or later is another warning, variable_maybe_unset (see the dataflow tests).
      expect(validateFlow(input).warnings.map((w) => [w.code, w.message.match(/"(\w+)"/)?.[1]])).toEqual([
        ['unreachable_block', 'late'],
        ['variable_maybe_unset', 'request'],
        ['variable_maybe_unset', 'later'],
      ]);
    });

    it('suggests builtins too, and warns once per name and text', () => {
      const result = validateFlow(withText('{{lastMesage}} {{lastMesage}}'));
      expect(result.warnings.map((w) => w.message)).toEqual([
        'no block sets the variable "lastMesage", so {{lastMesage}} renders as ""; did you mean "lastMessage"?',
      ]);
    });

    it('checks end texts as well as message texts', () => {
      const input = variant((f) => {
        block(f, 'goodbye').text = 'Bye {{nmae}}';
      });
      expect(validateFlow(input).warnings).toEqual([expect.objectContaining({ path: '/blocks/8/text', code: 'unknown_variable' })]);
    });

    it('refuses a malformed placeholder with invalid_template, pointing at its text', () => {
      const result = validateFlow(withText('Hi {{nmae}} {{request}'));
      expect(result.valid).toBe(false);
      expect(result.errors).toEqual([
        {
          path: '/blocks/0/text',
          code: 'invalid_template',
          message: 'placeholder "{{request}" at character 13 is not closed: write {{name}}',
        },
      ]);
      expect(result.warnings.map((w) => w.code)).toEqual(['unknown_variable']);
    });

    it.each([
      ['{{}}', 'placeholder "{{}}" at character 1 names no variable: write {{name}}'],
      ['{{my-var}}', 'placeholder "{{my-var}}" at character 1 does not name a variable (a name matches ^[A-Za-z][A-Za-z0-9_]{0,63}$)'],
      ['👍👍 }}', '"}}" at character 4 closes no placeholder: a placeholder is written {{name}}'],
    ])('explains %j', (text, message) => {
      expect(validateFlow(withText(text)).errors).toEqual([{ path: '/blocks/0/text', code: 'invalid_template', message }]);
    });
  });

  describe('operator limits', () => {
    it('applies none beyond the schema by default', () => {
      expect(SCHEMA_FLOW_LIMITS).toEqual({ maxBlocks: Infinity, maxIntentsPerBlock: 50, maxTextChars: 4000, maxHttpTimeoutMs: 120000 });
    });

    it('refuses more blocks than maxBlocks before checking anything else', () => {
      const input = variant((f) => {
        f.colour = 'red';
      });
      expect(validateFlow(input, { ...SCHEMA_FLOW_LIMITS, maxBlocks: 8 })).toEqual({
        valid: false,
        errors: [
          {
            path: '/blocks',
            code: 'too_many_blocks',
            message: `a flow may have at most 8 blocks (MAX_FLOW_BLOCKS); this one has ${defaultFlow().blocks.length}`,
          },
        ],
        warnings: [],
      });
    });

    it('reports limit problems together with the other problems', () => {
      const input = variant((f) => {
        block(f, 'welcome').next = 'gone';
      });
      const codes = validateFlow(input, { maxBlocks: 100, maxIntentsPerBlock: 3, maxTextChars: 80, maxHttpTimeoutMs: 30000 }).errors.map(
        (e) => [e.path, e.code],
      );
      expect(codes).toEqual([
        ['/blocks/0/next', 'unknown_block'],
        ['/blocks/0/text', 'text_too_long'],
        ['/blocks/2/intents', 'too_many_intents'],
        ['/blocks/3/text', 'text_too_long'],
      ]);
    });

    it('counts characters as the schema does: an emoji is one', () => {
      const input = variant((f) => {
        block(f, 'welcome').text = '👍'.repeat(4000);
        block(f, 'weather').text = '👍'.repeat(11);
      });
      expect(validateFlow(input).valid).toBe(true);
      const limited = validateFlow(input, { ...SCHEMA_FLOW_LIMITS, maxTextChars: 11 }).errors.map((e) => e.path);
      expect(limited).toContain('/blocks/0/text');
      expect(limited).not.toContain('/blocks/4/text');
    });

    it('leaves a text over the schema cap to the schema error', () => {
      const input = variant((f) => {
        block(f, 'welcome').text = 'x'.repeat(4001);
      });
      const atWelcome = validateFlow(input, { ...SCHEMA_FLOW_LIMITS, maxTextChars: 10 }).errors.filter((e) => e.path === '/blocks/0/text');
      expect(atWelcome.map((e) => e.code)).toEqual(['too_long']);
    });
  });
});
