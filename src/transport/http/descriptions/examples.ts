import recorded from './examples.json';
import type { Json } from './json-schema';

/**
 * Real answers and frames recorded from a running server, used as the examples of the API
 * descriptions. They are written by the README walkthrough test
 * (`UPDATE_API_EXAMPLES=1 npx jest test/integration/api-walkthrough.test.ts`), and every run of that
 * test checks that each one is still valid against the descriptions, so none can go stale.
 */
export interface RecordedExamples {
  /** operationId → status (or `request` for the request body) → media type → the body. */
  openapi: Record<string, Record<string, Record<string, Json>>>;
  /** AsyncAPI message name → payloads seen. */
  asyncapi: Record<string, Json[]>;
}

// Through unknown: the inferred type of the JSON (optional keys as `undefined`) is narrower than Json.
export const RECORDED_EXAMPLES = recorded as unknown as RecordedExamples;
