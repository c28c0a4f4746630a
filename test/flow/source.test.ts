import { parseFlowSource } from '../../src/flow/source';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('parseFlowSource', () => {
  it('parses UTF-8 JSON and keeps the text', () => {
    expect(parseFlowSource(utf8('{"name":"café"}'), 1024)).toEqual({ ok: true, text: '{"name":"café"}', value: { name: 'café' } });
  });

  it('drops a byte order mark, as the server does', () => {
    const parsed = parseFlowSource(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('{"a":1}')]), 1024);
    expect(parsed).toEqual({ ok: true, text: '{"a":1}', value: { a: 1 } });
  });

  it.each([
    ['more than maxBytes', utf8('{"a":"' + 'x'.repeat(100) + '"}'), 'payload_too_large'],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'invalid_encoding'],
    ['a lone surrogate encoded as bytes', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), 'invalid_encoding'],
    ['empty', utf8(''), 'invalid_json'],
    ['only white space', utf8(' \n\t'), 'invalid_json'],
    ['not JSON', utf8('{"name": '), 'invalid_json'],
  ])('refuses a document that is %s with %s at the root', (_name, bytes, code) => {
    const parsed = parseFlowSource(bytes, 64);
    expect(parsed).toMatchObject({ ok: false, problem: { path: '', code } });
  });

  it('says at which line and column a document stops being JSON, on one line', () => {
    const parsed = parseFlowSource(utf8('{\n  "name": "x",\n  "start": hello\n}'), 1024);
    expect(parsed).toMatchObject({ ok: false, problem: { path: '', code: 'invalid_json' } });
    const message = parsed.ok ? '' : parsed.problem.message;
    expect(message).toMatch(/^the document is not valid JSON at line 3, column 12: /);
    expect(message).not.toContain('\n');
    const early = parseFlowSource(utf8('{\n  "name": "x",'), 1024);
    expect(early.ok ? '' : early.problem.message).toMatch(/^the document is not valid JSON at the end, line 2, column 15: /);
  });
});
