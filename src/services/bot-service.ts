import { type AppError, errors } from '../errors';
import type { FlowLimits } from '../flow';
import { type BotRecord, DEFAULT_BOT } from '../storage/records';
import type { Storage } from '../storage/repositories';
import type { Clock } from '../util/clock';
import type { ConversationEraser } from './erasure-service';
import type { FlowMachineCache } from './flow-machines';
import { FlowService } from './flow-service';

/** Bot ids are written like block ids: they appear in paths, queries and the web page's address. */
export const BOT_ID_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,63}$';
const BOT_ID = new RegExp(BOT_ID_PATTERN);
export const MAX_BOT_NAME_CHARS = 200;

export function isBotId(value: string): boolean {
  return BOT_ID.test(value);
}

/** Reads `{"id": "...", "name": "..."}`; anything else is a 422 that says what is wrong and where. */
export function readNewBot(body: unknown): { id: string; name: string } {
  const problem = (path: string, code: string, message: string): AppError => errors.invalidBody(message, [{ path, code, message }]);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw problem('', 'invalid_type', 'the body must be a JSON object {"id": "...", "name": "..."}');
  }
  const unknown = Object.keys(body).filter((key) => key !== 'id' && key !== 'name');
  if (unknown.length > 0) throw problem(`/${unknown[0] ?? ''}`, 'unknown_property', `unknown property "${unknown[0] ?? ''}"`);
  const { id, name } = body as { id?: unknown; name?: unknown };
  if (typeof id !== 'string') throw problem('/id', 'invalid_type', '"id" must be a string');
  if (!isBotId(id)) {
    throw problem('/id', 'invalid_id', '"id" must start with a letter and have only letters, digits, "_" and "-" (at most 64)');
  }
  if (name !== undefined && typeof name !== 'string') throw problem('/name', 'invalid_type', '"name" must be a string');
  const clean = (name ?? id).trim();
  if (clean.length === 0) throw problem('/name', 'too_short', '"name" must not be empty');
  if (clean.length > MAX_BOT_NAME_CHARS) throw problem('/name', 'too_long', `"name" may have at most ${MAX_BOT_NAME_CHARS} characters`);
  return { id, name: clean };
}

/**
 * Bots: a bot is a named series of flow versions with its own current version. Hands out each bot's
 * FlowService (one per bot, sharing the machine cache), checking that the bot exists.
 */
export class BotService {
  private readonly services = new Map<string, FlowService>();
  /** The `default` bot's versions: what every path without a bot means. */
  readonly defaultFlows: FlowService;

  constructor(
    private readonly storage: Pick<Storage, 'bots' | 'conversations'>,
    private readonly machines: FlowMachineCache,
    private readonly clock: Clock,
    private readonly limits: FlowLimits,
    private readonly eraser: ConversationEraser,
    /** Whether a bot has a conversation running in this process (the chat service knows). */
    private readonly isLive: (bot: string) => boolean = () => false,
    /** Whether the server has a `{{secret.NAME}}`: a flow naming one it lacks gets a warning. */
    private readonly secretIsSet: (name: string) => boolean = () => false,
  ) {
    this.defaultFlows = this.serviceOf(DEFAULT_BOT);
  }

  async create(body: unknown): Promise<BotRecord> {
    const { id, name } = readNewBot(body);
    const createdAt = this.clock.now().toISOString();
    if (!(await this.storage.bots.create({ id, name, createdAt }))) throw errors.botExists(id);
    return { id, name, currentVersion: null, createdAt };
  }

  list(): Promise<BotRecord[]> {
    return this.storage.bots.list();
  }

  async get(id: string): Promise<BotRecord> {
    const bot = isBotId(id) ? await this.storage.bots.get(id) : undefined;
    if (!bot) throw errors.unknownBot(id);
    return bot;
  }

  /**
   * Deletes a bot, its versions and its history. Refused for `default` and while the bot has active
   * conversations. Its ended conversations are erased in small batches first (as retention does),
   * so that deleting a bot with a long history never holds the database for long.
   */
  async delete(id: string): Promise<void> {
    if (id === DEFAULT_BOT) throw errors.defaultBot();
    await this.get(id);
    if (this.isLive(id) || (await this.storage.conversations.hasActive(id))) throw errors.botInUse(id);
    await this.eraser.eraseEnded({ before: END_OF_TIME, bot: id });
    const outcome = await this.storage.bots.delete(id);
    if (outcome === 'missing') throw errors.unknownBot(id);
    if (outcome === 'active_conversations') throw errors.botInUse(id);
    this.services.delete(id);
    this.machines.forgetBot(id);
  }

  /** A bot deleted elsewhere (another instance): its versions and compiled machines are forgotten here. */
  forget(id: string): void {
    if (id === DEFAULT_BOT) return;
    this.services.delete(id);
    this.machines.forgetBot(id);
  }

  /**
   * After signals may have been missed: every bot but `default` (which is never deleted, so its
   * versions never change meaning) is forgotten, and read again when next used.
   */
  forgetAllButDefault(): void {
    for (const id of [...this.services.keys()]) this.forget(id);
  }

  /** The versions of an existing bot; 404 `unknown_bot` otherwise. */
  async flows(bot: string): Promise<FlowService> {
    if (bot !== DEFAULT_BOT) await this.get(bot);
    return this.serviceOf(bot);
  }

  private serviceOf(bot: string): FlowService {
    let service = this.services.get(bot);
    if (!service) {
      service = new FlowService(this.storage.bots.flows(bot), this.machines, this.clock, this.limits, this.secretIsSet);
      this.services.set(bot, service);
    }
    return service;
  }
}

/** Later than any stored timestamp: "every ended conversation". */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';
