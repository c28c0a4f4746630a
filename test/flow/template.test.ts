import { parseTemplate, renderTemplate } from '../../src/flow/template';

describe('parseTemplate', () => {
  it('splits a text into literals and placeholders, spaces inside the braces allowed', () => {
    expect(parseTemplate('Hi {{ name }}, you said "{{lastMessage}}".')).toEqual({
      parts: [
        { kind: 'text', text: 'Hi ' },
        { kind: 'placeholder', name: 'name', start: 3, end: 13 },
        { kind: 'text', text: ', you said "' },
        { kind: 'placeholder', name: 'lastMessage', start: 25, end: 40 },
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
    ['{{secret.TOKEN}}', 'not_a_variable', '{{secret.TOKEN}}', 0],
    ['{{name|fallback}}', 'not_a_variable', '{{name|fallback}}', 0],
    ['{request}}', 'stray_close', '}}', 8],
    ['{{a}}}}', 'stray_close', '}}', 5],
  ])('%j is malformed: %s', (text, fault, source, start) => {
    expect(parseTemplate(text).errors).toEqual([{ fault, source, start }]);
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
