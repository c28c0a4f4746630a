/**
 * Words that say little about what the user wants. Kept separate from wink's stop-word flag on
 * purpose: wink's list drops words that do matter to a chatbot ("done", "all", "nothing", "off",
 * "back") and keeps request boilerplate that does not ("like", "want", "please").
 */

/** Grammar words: dropped. Phrases in the lexicon ("that is all", "call off") are matched first. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'some', 'any', 'another', 'other', 'such',
  'i', 'me', 'my', 'mine', 'myself', 'you', 'your', 'yours', 'yourself', 'we', 'us', 'our', 'ours',
  'he', 'him', 'his', 'she', 'her', 'hers', 'it', 'its', 'they', 'them', 'their', 'theirs', 'one', 'ones',
  'be', 'am', 'is', 'are', 'was', 'were', 'been', 'being', "'s", "'m", "'re",
  'do', 'does', 'did', 'doing', 'have', 'has', 'had', 'having', "'ve", "'d", "'ll",
  'will', 'would', 'shall', 'should', 'can', 'could', 'may', 'might', 'must', 'ought',
  'to', 'of', 'in', 'on', 'at', 'by', 'for', 'with', 'from', 'into', 'onto', 'about', 'as', 'than',
  'over', 'under', 'up', 'down', 'out', 'through', 'during', 'before', 'after', 'between', 'within',
  'and', 'or', 'but', 'nor', 'if', 'then', 'so', 'because', 'while', 'though', 'although',
  'what', 'which', 'who', 'whom', 'whose', 'why', 'there', 'here', 'also', 'too', 'very', 'quite',
  'much', 'many', 'more', 'most', 'few', 'lot', 'lots', 'all', 'both', 'each', 'every', 'either',
  'just', 'only', 'even', 'still', 'already', 'again', 'ever', 'really', 'actually', 'maybe',
  'perhaps', 'probably', 'right', 'currently', 'pretty', 'kind', 'sort', 'thing', 'things', 'stuff',
  'something', 'anything', 'somewhere', 'anywhere', 'someplace', 'way', 'bit', 'little',
  'please', 'kindly', 'um', 'uh', 'hmm', 'erm', 'ah', 'oh', 'well', 'like', 'etc',
]);

/**
 * Request boilerplate shared by every intent of every bot ("I want", "can you", "give me",
 * "I'd like", "tell me", "show me"): dropped so they neither match nor dilute a match.
 */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  'want', 'wanna', 'need', 'like', 'love', 'wish', 'hope', 'give', 'get', 'got', 'let', 'tell', 'show',
  'know', 'think', 'wonder', 'try', 'able', 'possible', 'please', 'mind', 'bot',
  'look', 'looking', 'search', 'searching', 'see', 'provide', 'bring', 'use', 'hmm',
]);

/**
 * Words kept at a low weight: they help a little when an intent's examples use them ("when are you
 * open", "where is my pizza") but must not decide alone.
 */
export const WEAK_WORDS: ReadonlySet<string> = new Set([
  'where', 'when', 'how', 'go', 'going', 'come', 'take', 'make', 'find', 'put', 'keep', 'say',
  'good', 'nice', 'great', 'new', 'today', 'now', 'time', 'day', 'long', 'soon', 'yet', 'help',
  // Greetings and acknowledgements: noise in most blocks, the whole answer in a yes/no block.
  'hi', 'hello', 'hey', 'ok', 'okay', 'yes', 'yeah', 'sure', 'alright',
]);
