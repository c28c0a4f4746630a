import type { AnyRoute } from '../routes/route';
import { type AsyncApiOptions, buildAsyncApiDocument } from './asyncapi';
import { RECORDED_EXAMPLES } from './examples';
import type { JsonObject } from './json-schema';
import { buildOpenApiDocument } from './openapi';
import { packageVersion } from './package-version';

export type WebSocketLimits = Omit<AsyncApiOptions, 'version' | 'examples'>;

export interface DescriptionSources {
  /** Every route of the server, the description routes included. */
  routes: () => readonly AnyRoute[];
  maxBodyBytes: number;
  ws: WebSocketLimits;
}

/** Both documents, each built on first demand and then kept: the routes and settings are fixed at start. */
export function describeApi(sources: DescriptionSources): { openapi(): JsonObject; asyncapi(): JsonObject } {
  let openapi: JsonObject | undefined;
  let asyncapi: JsonObject | undefined;
  const version = packageVersion();
  return {
    openapi: () =>
      (openapi ??= buildOpenApiDocument([...sources.routes()], {
        version,
        maxBodyBytes: sources.maxBodyBytes,
        examples: RECORDED_EXAMPLES.openapi,
      })),
    asyncapi: () => (asyncapi ??= buildAsyncApiDocument({ ...sources.ws, version, examples: RECORDED_EXAMPLES.asyncapi })),
  };
}
