/** Which words a user rules out (src/intent/local/negation.ts), on wink's real tokens. */
import { EnglishAnalyzer } from '../../src/intent/local/english';
import { markNegations } from '../../src/intent/local/negation';
import { normalizeText } from '../../src/intent/local/normalize';

const analyzer = new EnglishAnalyzer();

function ruledOut(text: string): { words: string[]; refusal: boolean } {
  const tokens = analyzer.analyze(normalizeText(text));
  const { negated, refusal } = markNegations(tokens);
  return { words: tokens.filter((_, i) => negated[i]).map((t) => t.normal), refusal };
}

describe('markNegations', () => {
  it.each([
    ["I don't want to cancel, I want to join", ['want', 'to', 'cancel'], true],
    ['I do not want to cancel I want to join', ['want', 'to', 'cancel'], true],
    ['not the weather, restaurants please', ['weather'], false],
    ['restaurants, not the weather', ['weather'], false],
    ['no pizza tonight', ['pizza', 'tonight'], false],
    ["don't cancel my order", ['cancel', 'my', 'order'], false],
    ['pasta instead of pizza', ['pizza'], false],
    ['I would rather have tea than coffee', [], false],
    ['tea rather than coffee', ['coffee'], false],
    ['I need a hotel, not a flight', ['flight'], false],
  ])('%p rules out %p', (text, words, refusal) => {
    expect(ruledOut(text)).toEqual({ words, refusal });
  });

  it.each(["I can't log in", "my card doesn't work", "the package hasn't arrived", 'it is not working', 'no', 'not really', 'no, thanks'])(
    '%p rules out nothing: a statement or an answer',
    (text) => {
      expect(ruledOut(text)).toEqual({ words: [], refusal: false });
    },
  );
});
