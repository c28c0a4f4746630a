import { type Static, type TString, Type } from '@sinclair/typebox';
import { type ErrorDefinition, errors } from '../../../errors';
import type { ServerFrame } from '../../ws/frames';

/**
 * JSON Schemas of the WebSocket frames, for the AsyncAPI document. The frame types themselves are in
 * src/transport/ws/frames.ts; the type assertions at the end of this file fail the build when the two
 * disagree (a frame type, a field or a field's type added on one side only), and every frame the
 * integration tests send and receive is validated against the document built from these.
 */

/** Errors a server `error` frame can carry: the code is one of these. */
export const WS_ERRORS: ReadonlyArray<ErrorDefinition<never[]>> = [
  errors.invalidMessage,
  errors.rateLimited,
  errors.unknownConversation,
  errors.conversationEnded,
  errors.conversationExpired,
  errors.conversationErased,
  errors.unknownBot,
  errors.unknownVersion,
  errors.replaced,
  errors.noFlow,
  errors.storageUnavailable,
  errors.flowError,
  errors.internalError,
];

const blockId = (description: string): TString => Type.String({ description });

export const ConversationFrame = Type.Object(
  {
    type: Type.Literal('conversation'),
    conversationId: Type.String({ description: 'pass it back as `?conversationId=` to resume after a dropped connection' }),
    bot: Type.Optional(Type.String({ description: 'the bot the conversation belongs to; absent for the `default` bot' })),
    flowVersion: Type.Integer({ minimum: 1, description: 'the flow version this conversation runs on, for its whole life' }),
    resumed: Type.Boolean({ description: 'true when an existing conversation was resumed; then the next frame is `waiting`' }),
  },
  { title: 'ConversationFrame', additionalProperties: false, description: 'The first frame of every connection.' },
);

export const BotMessageFrame = Type.Object(
  {
    type: Type.Literal('message'),
    text: Type.String({ description: 'plain text, never HTML; `{{variables}}` already filled in' }),
    blockId: blockId('the block that sent it'),
  },
  { title: 'BotMessageFrame', additionalProperties: false, description: 'A bot message.' },
);

export const Choice = Type.Object(
  {
    label: Type.String({ minLength: 1, description: 'what the button shows' }),
    value: Type.String({ minLength: 1, description: 'what to send back: `{"type":"choice","value":...}`' }),
  },
  { title: 'Choice', additionalProperties: false, description: 'A button of a wait block.' },
);

export const WaitingFrame = Type.Object(
  {
    type: Type.Literal('waiting'),
    blockId: blockId('the wait block'),
    choices: Type.Optional(
      Type.Array(Choice, {
        minItems: 1,
        description:
          'buttons to offer, in order, when the wait block has some. Typing a label or a value (whole text, any case) picks it too; free text still goes on unless the block takes only choices',
      }),
    ),
    choicesOnly: Type.Optional(
      Type.Literal(true, { description: 'present when the block takes nothing but one of its choices: other text is answered as invalid' }),
    ),
  },
  { title: 'WaitingFrame', additionalProperties: false, description: 'The bot now waits for the user.' },
);

export const EndFrame = Type.Object(
  { type: Type.Literal('end'), blockId: blockId('the end block') },
  { title: 'EndFrame', additionalProperties: false, description: 'The flow ended; the server then closes the connection with 1000.' },
);

export const ErrorFrame = Type.Object(
  {
    type: Type.Literal('error'),
    code: Type.Union(
      WS_ERRORS.map((definition) => Type.Literal(definition.code)),
      { description: 'stable machine-readable code; see the close codes for those that end the connection' },
    ),
    message: Type.String({ description: 'what went wrong, for people' }),
  },
  { title: 'ErrorFrame', additionalProperties: false, description: 'Something went wrong; with some codes the server then closes.' },
);

export const SERVER_FRAMES = {
  conversation: ConversationFrame,
  botMessage: BotMessageFrame,
  waiting: WaitingFrame,
  end: EndFrame,
  error: ErrorFrame,
};

/** The client's one frame; `maxChars` is the server's MAX_MESSAGE_CHARS. */
export function userMessageFrame(maxChars: number) {
  return Type.Object(
    {
      type: Type.Literal('message'),
      text: Type.String({
        minLength: 1,
        maxLength: maxChars,
        // The server trims the text first: a text of spaces only is empty.
        pattern: '\\S',
        description: `the user's message: 1 to ${maxChars} characters after trimming surrounding whitespace (MAX_MESSAGE_CHARS)`,
      }),
    },
    {
      title: 'UserMessageFrame',
      additionalProperties: true,
      description:
        'A user message. Other properties are ignored. Any other frame (not JSON, not this shape, binary) is answered with an `error` frame `invalid_message` and the connection stays open.',
    },
  );
}

/** A button pressed: the same as a message whose text is the choice's value. */
export function choiceFrame(maxChars: number) {
  return Type.Object(
    {
      type: Type.Literal('choice'),
      value: Type.String({
        minLength: 1,
        maxLength: maxChars,
        pattern: '\\S',
        description: 'the `value` of one of the `choices` of the last `waiting` frame',
      }),
    },
    {
      title: 'ChoiceFrame',
      additionalProperties: true,
      description:
        'A choice picked (a button pressed). Other properties are ignored; a value that is no choice of the block is handled as typed text.',
    },
  );
}

// ---- compile-time agreement with src/transport/ws/frames.ts ----

type Documented = Static<typeof ConversationFrame | typeof BotMessageFrame | typeof WaitingFrame | typeof EndFrame | typeof ErrorFrame>;
/** Each frame type with its field names. */
type Shape<U> = U extends { type: infer T } ? [T, keyof U] : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Every documented frame is one the server's type allows... */
const documentedFramesAreServerFrames: Documented extends ServerFrame ? true : false = true;
/** ...and the server's frames have exactly the documented types and fields. */
const serverFramesAreDocumented: Same<Shape<ServerFrame>, Shape<Documented>> = true;
void documentedFramesAreServerFrames;
void serverFramesAreDocumented;
