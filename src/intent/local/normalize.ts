/**
 * Text clean-up before tokenization. Chat messages are short, sloppy and lower-cased; the English
 * model was trained on edited text. Everything here makes chat text look more like the latter.
 */

/** Intent messages are short; longer input is cut so that the worst-case time stays bounded. */
export const MAX_INPUT_CHARS = 500;

/** Chat shorthand -> plain English (whole words only, case-insensitive). Generic, not per flow. */
const SHORTHAND: ReadonlyArray<readonly [string, string]> = [
  ['pls', 'please'],
  ['plz', 'please'],
  ['plse', 'please'],
  ['thx', 'thanks'],
  ['thanx', 'thanks'],
  ['thnx', 'thanks'],
  ['ty', 'thank you'],
  ['tysm', 'thank you so much'],
  ['u', 'you'],
  ['ur', 'your'],
  ['r', 'are'],
  ['y', 'why'],
  ['k', 'ok'],
  ['kk', 'ok'],
  ['okey', 'okay'],
  ['tmrw', 'tomorrow'],
  ['tmr', 'tomorrow'],
  ['tmw', 'tomorrow'],
  ['tomoz', 'tomorrow'],
  ['2day', 'today'],
  ['2nite', 'tonight'],
  ['tonite', 'tonight'],
  ['gimme', 'give me'],
  ['wanna', 'want to'],
  ['gonna', 'going to'],
  ['gotta', 'got to'],
  ['lemme', 'let me'],
  ['cya', 'see you'],
  ['ttyl', 'talk to you later'],
  ['bb', 'bye bye'],
  ['gn', 'good night'],
  ['nite', 'night'],
  ['im', 'i am'],
  ['ive', 'i have'],
  ['dont', 'do not'],
  ['doesnt', 'does not'],
  ['didnt', 'did not'],
  ['cant', 'can not'],
  ['wont', 'will not'],
  ['isnt', 'is not'],
  ['wasnt', 'was not'],
  ['havent', 'have not'],
  ['whats', 'what is'],
  ['wheres', 'where is'],
  ['hows', 'how is'],
  ['thats', 'that is'],
  ['theres', 'there is'],
  ['asap', 'as soon as possible'],
  ['eta', 'arrival time'],
  ['info', 'information'],
  ['acct', 'account'],
  ['msg', 'message'],
  ['appt', 'appointment'],
  ['approx', 'approximately'],
  ['convo', 'conversation'],
];

const SHORTHAND_MAP = new Map(SHORTHAND);
const SHORTHAND_RE = new RegExp(`\\b(${SHORTHAND.map(([k]) => k).join('|')})\\b`, 'giu');

/**
 * Contractions wink leaves glued in some positions ("I'm" at the start of a message) or splits into
 * an ambiguous "'s". Expanding them keeps lemmas predictable.
 */
const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(can)'t\b/giu, 'can not'],
  [/\bwon't\b/giu, 'will not'],
  [/\b(\p{L}+)n't\b/giu, '$1 not'],
  [/\bi'm\b/giu, 'i am'],
  [/\blet's\b/giu, 'let us'],
  [/\b(what|that|it|there|here|where|when|who|how|he|she)'s\b/giu, '$1 is'],
  [/\b(\p{L}+)'re\b/giu, '$1 are'],
  [/\b(\p{L}+)'ll\b/giu, '$1 will'],
  [/\b(\p{L}+)'ve\b/giu, '$1 have'],
  [/\b(i|you|we|they|he|she)'d\b/giu, '$1 would'],
];

/** A few emoji carry the whole message in chat ("👋", "🍕?"); map the common ones to words. */
const EMOJI_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['👋', ' bye '],
  ['🙏', ' thanks '],
  ['👍', ' ok '],
  ['👎', ' no '],
  ['❤', ' love '],
  ['☔', ' rain '],
  ['🌧', ' rain '],
  ['⛈', ' storm '],
  ['❄', ' snow '],
  ['☀', ' sunny '],
  ['🌤', ' sunny '],
  ['🌡', ' temperature '],
  ['✈', ' flight '],
  ['🏨', ' hotel '],
  ['🧳', ' luggage '],
  ['🏖', ' beach '],
  ['🍕', ' pizza '],
  ['🍔', ' burger '],
  ['🍣', ' sushi '],
  ['🍝', ' pasta '],
  ['🍽', ' restaurant '],
  ['💳', ' card '],
  ['💰', ' money '],
  ['💸', ' money '],
  ['🚚', ' delivery '],
  ['📦', ' package '],
];

/**
 * NFKC folds full-width letters and ligatures; removing combining marks maps "café" to "cafe" and
 * "crème" to "creme", which is what people type on phones half the time anyway.
 */
function foldUnicode(text: string): string {
  return text
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
}

export function normalizeText(raw: string): string {
  let text = raw.length > MAX_INPUT_CHARS ? raw.slice(0, MAX_INPUT_CHARS) : raw;
  for (const [emoji, word] of EMOJI_WORDS) {
    if (text.includes(emoji)) text = text.split(emoji).join(word);
  }
  text = foldUnicode(text)
    // Typographic apostrophes and quotes, as typed on phones.
    .replace(/[\u2018\u2019\u02bc`´]/gu, "'")
    .replace(/[\u201c\u201d]/gu, '"')
    // "byeeee", "helllooo", "sooo": three or more repeats are emphasis, never spelling.
    .replace(/(\p{L})\1{2,}/gu, '$1$1')
    // Remaining symbols and emoji carry no words; keep letters, digits, basic punctuation.
    .replace(/[^\p{L}\p{N}\s'.,!?&+\-/:%$€£]/gu, ' ');
  for (const [re, replacement] of CONTRACTIONS) text = text.replace(re, replacement);
  text = text.replace(SHORTHAND_RE, (word) => SHORTHAND_MAP.get(word.toLowerCase()) ?? word);
  return text.replace(/\s+/gu, ' ').trim();
}
