/**
 * Scores a message against a block's intents: for each intent, the share of the message's
 * (IDF-weighted) content that the intent explains. A message whose words are all unknown to the
 * block scores 0 everywhere, which is what makes `none` detectable without negative examples.
 */
import { featureKindWeight, type Unit } from './features';
import type { OptionSet } from './option-set';

export interface Scores {
  /** Per intent, in the block's order, in [0, 1]. */
  perIntent: number[];
  /** Total weight of the message; 0 when nothing meaningful was said. */
  mass: number;
}

export function scoreUnits(units: readonly Unit[], set: OptionSet): Scores {
  const evidence = set.profiles.map(() => 0);
  let mass = 0;
  for (const unit of units) {
    let importance = 0;
    const best = set.profiles.map(() => 0);
    for (const feature of unit.features) {
      const idf = set.idf.get(feature);
      if (idf === undefined) continue;
      const weight = unit.scale * featureKindWeight(feature) * idf;
      if (weight > importance) importance = weight;
      set.profiles.forEach((profile, i) => {
        if (weight > (best[i] ?? 0) && profile.features.has(feature)) best[i] = weight;
      });
    }
    // Nothing in this unit is known to the block: it counts against every intent.
    if (importance === 0) importance = unit.scale * unit.unknownWeight;
    mass += importance;
    best.forEach((b, i) => {
      evidence[i] = (evidence[i] ?? 0) + b;
    });
  }
  return { perIntent: evidence.map((e) => (mass > 0 ? e / mass : 0)), mass };
}
