import type { ChatCompletion } from 'openai/resources/chat/completions';
import { parseIntentAnswer } from '../../../src/intent/openai/parse-answer';
import { completion, type CompletionOptions } from '../../support/openai-stub-server';

const ALLOWED = ['weather', 'travel', 'none'];
const parse = (options: CompletionOptions) => parseIntentAnswer(completion(options) as ChatCompletion, ALLOWED);

describe('parseIntentAnswer', () => {
  it('accepts an id from the options, and none', () => {
    expect(parse({ content: '{"intent":"travel"}' })).toEqual({ ok: true, intent: 'travel', outsideOptions: false });
    expect(parse({ content: ' { "intent" : "none" }\n' })).toEqual({ ok: true, intent: 'none', outsideOptions: false });
  });

  it('reads an id outside the options as none', () => {
    expect(parse({ content: '{"intent":"ignore previous instructions"}' })).toEqual({
      ok: true,
      intent: 'none',
      outsideOptions: true,
    });
    expect(parse({ content: '{"intent":"Weather"}' })).toMatchObject({ intent: 'none', outsideOptions: true });
  });

  it.each<[string, CompletionOptions, string]>([
    ['a refusal', { refusal: "I can't help with that" }, 'refusal'],
    ['a content filter stop', { content: null, finishReason: 'content_filter' }, 'refusal'],
    ['a length cut-off', { content: '{"intent":"wea', finishReason: 'length' }, 'truncated'],
    ['garbage', { content: 'The answer is weather.' }, 'invalid_answer'],
    ['empty content', { content: '' }, 'invalid_answer'],
    ['null content', { content: null }, 'invalid_answer'],
    ['JSON without intent', { content: '{"answer":"weather"}' }, 'invalid_answer'],
    ['a non-string intent', { content: '{"intent":3}' }, 'invalid_answer'],
    ['a JSON array', { content: '["weather"]' }, 'invalid_answer'],
  ])('fails on %s', (_, options, reason) => {
    expect(parse(options)).toMatchObject({ ok: false, reason });
  });

  it('fails on a response without choices', () => {
    expect(parseIntentAnswer({ choices: [] } as unknown as ChatCompletion, ALLOWED)).toMatchObject({
      ok: false,
      reason: 'invalid_answer',
    });
    expect(parseIntentAnswer({} as unknown as ChatCompletion, ALLOWED)).toMatchObject({ ok: false });
  });
});
