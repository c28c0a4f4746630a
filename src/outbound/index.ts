/** Outbound HTTP for http blocks: the address guard, the allow-list and the client that enforces them. */
import type { Settings } from '../config/settings';
import type { HttpCallOutput, HttpCallSettings } from '../runtime/http-call';
import type { HttpRequester } from '../runtime/http-requester';
import { GuardedHttpRequester } from './guarded-requester';

export { GuardedHttpRequester, type GuardedRequesterOptions, type Resolver, type ResolvedAddress } from './guarded-requester';
export { parseAllowedHosts, type AllowedHosts } from './allowed-hosts';
export { nonPublicRange, embeddedIpv4 } from './address-ranges';

/** The guarded client of these settings (HTTP_ALLOWED_HOSTS, HTTP_MAX_RESPONSE_BYTES, HTTP_MAX_CONCURRENT). */
export function guardedRequester(settings: Pick<Settings, 'http'>): GuardedHttpRequester {
  return new GuardedHttpRequester({
    allowedHosts: settings.http.allowedHosts,
    maxResponseBytes: settings.http.maxResponseBytes,
    maxConcurrent: settings.http.maxConcurrent,
  });
}

/** What the runtime needs to run http blocks with these settings: a client, the secrets, the timeout cap. */
export function httpCallSettings(
  settings: Pick<Settings, 'http' | 'secrets'>,
  requester: HttpRequester,
  onCall?: (call: HttpCallOutput) => void,
): HttpCallSettings {
  const { secrets } = settings;
  return {
    requester,
    secrets: (name) => (Object.hasOwn(secrets, name) ? secrets[name] : undefined),
    maxTimeoutMs: settings.http.maxTimeoutMs,
    ...(onCall ? { onCall } : {}),
  };
}
