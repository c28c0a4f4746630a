import { blockEntries } from './document';
import { type FlowProblem, pointer } from './problems';
import { parseTemplate } from './template';
import { templatesOf } from './variables';

/** A `{{secret.NAME}}` of a flow, and the JSON pointer of the text that holds it. */
export interface SecretUse {
  name: string;
  path: string;
}

/**
 * Every secret a flow names where secrets are allowed (an http block's url, headers and body), in
 * document order, each text once per name: what the server checks against the secrets it has, to warn
 * at upload about one that is not set.
 */
export function secretUses(doc: unknown): SecretUse[] {
  const uses: SecretUse[] = [];
  for (const { index, block } of blockEntries(doc)) {
    for (const { text, field, secrets } of templatesOf(block)) {
      if (!secrets || !text.includes('{{secret.')) continue;
      const names = new Set<string>();
      for (const part of parseTemplate(text).parts) if (part.kind === 'placeholder' && part.scope === 'secret') names.add(part.name);
      for (const name of names) uses.push({ name, path: pointer('blocks', index, ...field) });
    }
  }
  return uses;
}

/**
 * `secret_not_set`, a warning: the flow names a secret the server does not have (no
 * FLOWBOT_SECRET_NAME variable), so its placeholder would be sent as "".
 */
export function unsetSecretWarnings(doc: unknown, isSet: (name: string) => boolean): FlowProblem[] {
  return secretUses(doc)
    .filter((use) => !isSet(use.name))
    .map((use) => ({
      path: use.path,
      code: 'secret_not_set',
      message: `{{secret.${use.name}}} is not set on this server (FLOWBOT_SECRET_${use.name}), so it would be sent as ""`,
    }));
}
