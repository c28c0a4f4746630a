import { jsonSyntaxLocation } from '../../src/util/json-syntax-error';

/** Where JSON.parse fails, as `line:column` (or `end line:column`), checking JSON.parse does fail. */
function at(text: string): string {
  expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  const location = jsonSyntaxLocation(text);
  return location ? `${location.atEnd ? 'end ' : ''}${location.line}:${location.column}` : 'none';
}

describe('jsonSyntaxLocation', () => {
  it.each([
    ['a bare word where a value goes', '{\n  "next": ask\n}', '2:11'],
    ['a trailing comma in an object', '{\n  "a": 1,\n}', '3:1'],
    ['a trailing comma in an array', '[1, 2,\n ]', '2:2'],
    ['a missing comma', '{"a": 1\n "b": 2}', '2:2'],
    ['a missing colon', '{"a" 1}', '1:6'],
    ['a key not in double quotes', "{'a': 1}", '1:2'],
    ['a number with a leading zero', '[01]', '1:3'],
    ['a bad escape', '["a\\x"]', '1:4'],
    ['a control character in a string', '["a\tb"]', '1:4'],
    ['text after the document', '{} x', '1:4'],
    ['a literal misspelt', '[tru]', '1:2'],
    ['a column counted in characters, not UTF-16 units', '{"😀": x}', '1:7'],
  ])('%s', (_name, text, expected) => {
    expect(at(text)).toBe(expected);
  });

  it.each([
    ['an unclosed object', '{"a": 1', 'end 1:8'],
    ['an unclosed string', '{"a": "b', 'end 1:9'],
    ['a key without its value', '{"a":', 'end 1:6'],
  ])('the end of a document that stops early: %s', (_name, text, expected) => {
    expect(at(text)).toBe(expected);
  });

  it('scans a deeply nested document without overflowing the stack', () => {
    expect(at('['.repeat(200_000))).toBe('end 1:200001');
  });

  it('finds nothing wrong in valid JSON', () => {
    expect(jsonSyntaxLocation('{"a": [1, -2.5e3, "x\\u00e9", true, false, null, {}], "b": {"c": []}}')).toBeUndefined();
  });
});
