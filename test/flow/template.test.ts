import { parseTemplate, renderTemplate } from '../../src/flow/template';

describe('parseTemplate', () => {
  it('splits a text into literals and placeholders, spaces inside the braces allowed', () => {
    expect(parseTemplate('Hi {{ name }}, you said "{{lastMessage}}".')).toEqual({
      parts: [
        { kind: 'text', text: 'Hi ' },
        { kind: 'placeholder', scope: 'variable', name: 'name', start: 3, end: 13 },
        { kind: 'text', text: ', you said "' },
        { kind: 'placeholder', scope: 'variable', name: 'lastMessage', start: 25, end: 40 },
        { kind: 'text', text: '".' },
      ],
      errors: [],
    });
  });

  it.each([
    ['{{request}', 'unclosed', '{{request}', 0],
    ['Hi {{nmae}} {{request}', 'unclosed', '{{request}', 12],
    ['{{a {{b}}', 'unclosed', '{{a', 0],
    ['{{}}', 'empty', '{{}}', 0],
    ['x {{  }}', 'empty', '{{  }}', 2],
    ['{{my-var}}', 'not_a_variable', '{{my-var}}', 0],
    ['{{1st}}', 'not_a_variable', '{{1st}}', 0],
    ['{{{name}}}', 'not_a_variable', '{{{name}}', 0],
    ['{{secret.token}}', 'not_a_variable', '{{secret.token}}', 0],
    ['{{secret.}}', 'not_a_variable', '{{secret.}}', 0],
    ['{{|fallback}}', 'empty', '{{|fallback}}', 0],
    ['{{my-var|x}}', 'not_a_variable', '{{my-var|x}}', 0],
    ['{request}}', 'stray_close', '}}', 8],
    ['{{a}}}}', 'stray_close', '}}', 5],
  ])('%j is malformed: %s', (text, fault, source, start) => {
    expect(parseTemplate(text).errors).toEqual([{ fault, source, start }]);
  });

  it('reads fallbacks and secrets', () => {
    expect(parseTemplate('{{ tries | 0 }}{{name|}}{{secret.ORDERS_TOKEN}}{{a|b|c}}').parts).toEqual([
      { kind: 'placeholder', scope: 'variable', name: 'tries', fallback: '0', start: 0, end: 15 },
      { kind: 'placeholder', scope: 'variable', name: 'name', fallback: '', start: 15, end: 24 },
      { kind: 'placeholder', scope: 'secret', name: 'ORDERS_TOKEN', start: 24, end: 47 },
      { kind: 'placeholder', scope: 'variable', name: 'a', fallback: 'b|c', start: 47, end: 56 },
    ]);
  });

  it('reports every malformed placeholder of a text and keeps the good ones', () => {
    const parsed = parseTemplate('{{a}} {{ }} {{b}} }} {{c');
    expect(parsed.errors.map((e) => e.fault)).toEqual(['empty', 'stray_close', 'unclosed']);
    expect(parsed.parts.filter((p) => p.kind === 'placeholder').map((p) => (p as { name: string }).name)).toEqual(['a', 'b']);
  });

  it('leaves single braces alone', () => {
    expect(parseTemplate('{a} {b}} } {')).toEqual({
      parts: [{ kind: 'text', text: '{a} {b}} } {' }],
      errors: [{ fault: 'stray_close', source: '}}', start: 6 }],
    });
  });

  it('handles a text full of openings (scanned once, not once per opening)', () => {
    const hostile = '{{ '.repeat(100_000) + '}}';
    const parsed = parseTemplate(hostile);
    expect(parsed.errors).toHaveLength(100_000);
  });
});

describe('renderTemplate', () => {
  it('renders placeholders and leaves malformed ones as written', () => {
    expect(renderTemplate('Hi {{ name }} {{request}', { name: 'Ada', request: 'x' })).toBe('Hi Ada {{request}');
    expect(renderTemplate('{{my-var}} {{}}', { 'my-var': 'x' })).toBe('{{my-var}} {{}}');
  });
});

describe('renderTemplate with scalars and fallbacks', () => {
  it('prints numbers as JavaScript does and booleans as true/false', () => {
    expect(renderTemplate('{{n}} {{f}} {{big}} {{yes}} {{no}}', { n: 42, f: 0.1 + 0.2, big: 1e21, yes: true, no: false })).toBe(
      '42 0.30000000000000004 1e+21 true false',
    );
  });

  it('renders the fallback when the variable is unset or empty, never when it is 0 or false', () => {
    const vars = { empty: '', zero: 0, off: false, name: 'Ada' };
    expect(renderTemplate('{{missing|friend}}/{{empty|none}}/{{zero|x}}/{{off|x}}/{{name|x}}', vars)).toBe('friend/none/0/false/Ada');
    expect(renderTemplate('{{constructor|safe}}', {})).toBe('safe');
  });

  it('renders secrets only through a resolver', () => {
    expect(renderTemplate('[{{secret.TOKEN}}]', {})).toBe('[]');
    expect(renderTemplate('[{{secret.TOKEN}}]', {}, (name) => (name === 'TOKEN' ? 's3cr3t' : undefined))).toBe('[s3cr3t]');
  });
});
