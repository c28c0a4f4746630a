import { type ErrorDefinition, errors } from '../../../errors';
import type { AnyRoute } from './route';

type Definition = ErrorDefinition<never[]>;

/**
 * Errors any route can answer with, on top of its own: a request Node's parser refuses (400, 431),
 * bad percent-encoding, a bad or unknown parameter, a bug; the token check on secured routes; a
 * database fault on routes that use storage.
 */
export function commonErrors(route: Pick<AnyRoute, 'secured' | 'storage'>): Definition[] {
  return [
    errors.badRequest,
    errors.invalidUrl,
    errors.invalidParameter,
    errors.headersTooLarge,
    ...(route.secured ? [errors.unauthorized] : []),
    errors.internalError,
    ...(route.storage ? [errors.storageUnavailable] : []),
  ];
}

/** Every error a route can answer with, its own and the common ones, each once. */
export function routeErrors(route: AnyRoute): Definition[] {
  return [...new Set([...commonErrors(route), ...route.errors])];
}

/** The errors of reading a JSON body (readJsonBody): every route that takes one can answer with them. */
export const JSON_BODY_ERRORS = [errors.invalidJson, errors.invalidEncoding, errors.payloadTooLarge, errors.unsupportedMediaType] as const;
