/**
 * Everything that depends only on a block's options, computed once per block and cached by the
 * request's cacheKey: each intent's feature profile, inverse document frequencies across the
 * intents, and the block's spelling vocabulary.
 */
import type { IntentCandidate } from '../detector';
import type { FeatureKey, Featurizer } from './features';
import { Vocabulary } from './spelling';

export interface IntentProfile {
  id: string;
  features: ReadonlySet<FeatureKey>;
}

export interface OptionSet {
  profiles: readonly IntentProfile[];
  /** In (0, 1]: 1 for a feature only one intent has, lower the more intents share it. */
  idf: ReadonlyMap<FeatureKey, number>;
  vocabulary: Vocabulary;
}

export function buildOptionSet(intents: readonly IntentCandidate[], featurizer: Featurizer): OptionSet {
  const profiles: IntentProfile[] = [];
  const words: string[] = [];
  for (const intent of intents) {
    const features = new Set<FeatureKey>();
    // The id is often a readable word too ("weather", "cancel"); treat it like a one-word example.
    const texts = [intent.description, ...(intent.examples ?? []), intent.id.replace(/[_\-.]+/g, ' ')];
    for (const text of texts) {
      for (const unit of featurizer.units(text)) for (const f of unit.features) features.add(f);
      words.push(...featurizer.wordsOf(text));
    }
    profiles.push({ id: intent.id, features });
  }
  return { profiles, idf: inverseDocumentFrequencies(profiles), vocabulary: new Vocabulary(words) };
}

/**
 * Normalised so that a feature unique to one intent weighs 1 whatever the number of intents;
 * "me", "want" etc. are already dropped, this handles the domain words several intents share
 * ("order" in a pizza bot).
 */
function inverseDocumentFrequencies(profiles: readonly IntentProfile[]): Map<FeatureKey, number> {
  const df = new Map<FeatureKey, number>();
  for (const p of profiles) for (const f of p.features) df.set(f, (df.get(f) ?? 0) + 1);
  const n = profiles.length;
  const idf = new Map<FeatureKey, number>();
  for (const [f, count] of df) idf.set(f, n <= 1 ? 1 : Math.log(1 + n / count) / Math.log(1 + n));
  return idf;
}
