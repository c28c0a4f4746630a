import { Type } from '@sinclair/typebox';
import { errors } from '../../errors';
import type { DetectService } from '../../services/detect-service';
import { DEFAULT_BOT } from '../../storage/records';
import { readJsonBody } from './read-json-body';
import { JSON_BODY_ERRORS } from './routes/common-errors';
import { botId, versionOrCurrent } from './routes/parameters';
import { type AnyRoute, defineRoute } from './routes/route';
import { BLOCK_ID_PATTERN, DetectAnswer } from './routes/schemas';

const SCOPES: Array<{
  base: string;
  params: { bot?: typeof botId };
  operationId: string;
  tag: string;
  errors: (typeof errors.unknownBot)[];
}> = [
  { base: '/api/flows', params: {}, operationId: 'detectIntent', tag: 'flows', errors: [] },
  { base: '/api/bots/{bot}/flows', params: { bot: botId }, operationId: 'detectBotIntent', tag: 'bots', errors: [errors.unknownBot] },
];

/** Trying one utterance: POST /api/[bots/{bot}/]flows/{version|current}/blocks/{blockId}/detect with {"text": "..."}. */
export function detectRoutes(detect: DetectService, maxBodyBytes: number): AnyRoute[] {
  return SCOPES.map((scope) =>
    defineRoute({
      method: 'POST',
      path: `${scope.base}/{version}/blocks/{blockId}/detect`,
      operationId: scope.operationId,
      tag: scope.tag,
      summary: 'Try one utterance on an intent block',
      description:
        'Asks the configured intent provider (the same detector, options and cache as a conversation at that block) which intent the text means. Nothing is stored.',
      secured: true,
      storage: true,
      params: Type.Object({
        ...scope.params,
        version: versionOrCurrent,
        blockId: Type.String({ pattern: BLOCK_ID_PATTERN, description: 'the id of an intent block of that version' }),
      }),
      query: Type.Object({}),
      body: {
        description: 'the text to classify, as a user would send it (trimmed; at most MAX_MESSAGE_CHARS characters)',
        schema: Type.Object({ text: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        mediaType: 'application/json',
      },
      responses: { 200: { description: 'what the provider answered', content: { 'application/json': DetectAnswer } } },
      errors: [...JSON_BODY_ERRORS, errors.invalidBody, errors.notFound, ...scope.errors],
    })(async ({ params, req }) => {
      const bot = (params as { bot?: string }).bot ?? DEFAULT_BOT;
      const body = await readJsonBody(req, maxBodyBytes);
      return { status: 200, json: await detect.detect(String(params.version), params.blockId, body.value, bot) };
    }),
  );
}
