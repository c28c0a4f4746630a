import { SchemaSet } from './json-schemas';

type Json = Record<string, unknown>;
interface AsyncApi {
  operations: Record<string, { action: 'send' | 'receive'; messages: Array<{ $ref: string }> }>;
  channels: Record<string, { messages: Record<string, { $ref: string }> }>;
  components: { schemas: Record<string, unknown>; messages: Record<string, { payload: unknown }> };
  'x-close-codes': Array<{ code: number }>;
  'x-upgrade-refusals': Array<{ status: number; code: string }>;
}

/** Close codes a client sees without the server sending one: no status (1005), no close frame (1006). */
const CLIENT_SIDE_CLOSES = [1005, 1006];

/**
 * Checks WebSocket frames against the AsyncAPI document the server serves: every frame the server
 * sends is one of the messages of its `send` operation, every frame a test sends as valid is the
 * `receive` operation's message (and every frame it sends as invalid is not), and every close code
 * is one the document lists.
 */
export class AsyncApiCheck {
  private readonly schemas: SchemaSet;
  private readonly server: unknown;
  private readonly client: unknown;
  private readonly closeCodes: Set<number>;
  private readonly refusals: Array<{ status: number; code: string }>;

  constructor(doc: AsyncApi) {
    this.schemas = new SchemaSet(doc.components.schemas, 'draft-07');
    const payloads = (action: 'send' | 'receive'): unknown[] =>
      Object.values(doc.operations)
        .filter((op) => op.action === action)
        .flatMap((op) => op.messages.map((ref) => payloadOf(doc, ref.$ref)));
    this.server = { oneOf: payloads('send') };
    this.client = { oneOf: payloads('receive') };
    this.closeCodes = new Set([...doc['x-close-codes'].map((c) => c.code), ...CLIENT_SIDE_CLOSES]);
    this.refusals = doc['x-upgrade-refusals'];
  }

  /** An HTTP answer that refused the upgrade: one of the refusals listed, in the error shape. */
  refusalProblems(status: number, text: string): string[] {
    let code: unknown;
    try {
      code = (JSON.parse(text) as { code?: unknown }).code;
    } catch {
      return [`the refused upgrade (${status}) is not a JSON error: ${text.slice(0, 200)}`];
    }
    if (this.refusals.some((r) => r.status === status && r.code === code)) return [];
    return [`the upgrade was refused with ${status} ${JSON.stringify(code)}, which the description does not list`];
  }

  serverFrameProblems(frame: unknown): string[] {
    return this.schemas.problems(this.server, frame).map((p) => `server frame ${JSON.stringify(frame)}: ${p}`);
  }

  /** Problems of a frame the client sends (as text); a frame that is not JSON is not a valid one. */
  clientFrameProblems(data: string): string[] {
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return [`client frame ${JSON.stringify(data.slice(0, 100))} is not JSON`];
    }
    return this.schemas.problems(this.client, frame).map((p) => `client frame ${data.slice(0, 200)}: ${p}`);
  }

  closeProblems(code: number): string[] {
    return this.closeCodes.has(code) ? [] : [`close code ${code} is not one the description lists`];
  }
}

/** `#/channels/chat/messages/x` → the component message it points to → its payload schema. */
function payloadOf(doc: AsyncApi, ref: string): unknown {
  const [, , channel, , name] = ref.split('/');
  const channelMessage = doc.channels[channel ?? '']?.messages[name ?? ''];
  const component = channelMessage?.$ref.split('/').at(-1) ?? '';
  const message = doc.components.messages[component] as Json | undefined;
  if (!message) throw new Error(`the AsyncAPI document has no message behind ${ref}`);
  return message.payload;
}
