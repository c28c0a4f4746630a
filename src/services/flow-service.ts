import { createHash } from 'node:crypto';
import { exportMachine, type ExportFormat, type Neighbourhood, toDiagram } from '../flow/export';
import { type FlowLimits, prepareFlow, unsetSecretWarnings } from '../flow';
import type { FlowProblem } from '../flow/problems';
import { errors } from '../errors';
import { diffFlows, type FlowDiff } from '../flow/diff';
import { DEFAULT_BOT, type FlowVersionRecord, type FlowVersionSummary, type Page } from '../storage/records';
import type { FlowRepository } from '../storage/repositories';
import type { Clock } from '../util/clock';
import { type FlowMachine, FlowMachineCache } from './flow-machines';
import { decodeVersionCursor, encodeVersionCursor, pageLimit } from './paging';

export interface UploadResult {
  version: number;
  createdAt: string;
  warnings: FlowProblem[];
  /** True when the upload was byte for byte the current version, which is answered instead of a new one. */
  unchanged: boolean;
}

export interface StoredFlow {
  version: number;
  createdAt: string;
  source: string;
  etag: string;
}

/** The versions compared by a diff, and what changed from the first to the second. */
export interface VersionDiff extends FlowDiff {
  from: number;
  to: number;
}

/** One bot's flow versions: upload, read, roll back, compare, compile and export. No HTTP here. */
export class FlowService {
  /** The bot whose versions these are. */
  readonly bot: string;

  constructor(
    private readonly flows: FlowRepository,
    private readonly machines: FlowMachineCache,
    private readonly clock: Clock,
    /** The operator's limits (see flowLimitsOf in src/config/limits.ts), applied by validation itself. */
    private readonly limits: FlowLimits,
    /** Whether the server has a `{{secret.NAME}}`: a flow naming one it lacks gets a warning. */
    private readonly secretIsSet: (name: string) => boolean = () => false,
  ) {
    this.bot = flows.bot;
  }

  /** Checks a parsed flow without storing it. */
  validate(input: unknown): { valid: true; warnings: FlowProblem[] } {
    const prepared = this.prepare(input);
    return { valid: true, warnings: prepared.warnings };
  }

  /**
   * Stores a valid flow as a new version that becomes current, or with `activate: false` as a draft
   * that does not; `source` is kept byte for byte. The same bytes as the current version make no new
   * version (a deploy script may upload on every run): the current one is answered, `unchanged`. It is
   * still validated, as the limits may have changed since.
   */
  async upload(input: unknown, source: string, options: { activate?: boolean } = {}): Promise<UploadResult> {
    const prepared = this.prepare(input);
    // Compared with the current version in the transaction that would store the new one: two identical
    // uploads at once store one version, the other is answered `unchanged`.
    const { record, created } = await this.flows.createUnlessCurrent({
      flow: prepared.flow,
      source,
      createdAt: this.clock.now().toISOString(),
      activate: options.activate ?? true,
    });
    if (!created) return { version: record.version, createdAt: record.createdAt, warnings: prepared.warnings, unchanged: true };
    // Warm the cache: the compile work is already done, and the next conversation (or preview) will need it.
    this.machines.get(this.bot, record.version, record.flow, prepared.compiled);
    return { version: record.version, createdAt: record.createdAt, warnings: prepared.warnings, unchanged: false };
  }

  /** Stores the bundled default flow as version 1 when the database has no flow at all. */
  async ensureDefault(source: string): Promise<number | undefined> {
    if ((await this.flows.list()).length > 0) return undefined;
    return (await this.upload(JSON.parse(source) as unknown, source)).version;
  }

  /**
   * A page of versions, newest first. The cursor is the last version of the previous page (versions
   * are never deleted or renumbered, so pages neither skip nor repeat one when uploads arrive between
   * requests); paged here over the repository's list, as a server keeps few versions.
   */
  async list(query: { limit?: number; cursor?: string } = {}): Promise<Page<FlowVersionSummary>> {
    const limit = pageLimit(query.limit);
    const after = query.cursor === undefined ? undefined : decodeVersionCursor(query.cursor);
    const all = await this.flows.list();
    const rest = after === undefined ? all : all.filter((summary) => summary.version < after);
    const items = rest.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rest.length > limit && last ? encodeVersionCursor(last.version) : null };
  }

  /** `ref` is a version number or "current". */
  async read(ref: string): Promise<StoredFlow> {
    const record = await this.record(ref);
    return { version: record.version, createdAt: record.createdAt, source: record.source, etag: etagOf(record) };
  }

  async activate(ref: string): Promise<FlowVersionSummary> {
    const version = parseVersion(ref);
    if (version === undefined || !(await this.flows.activate(version))) throw errors.notFound(`flow version ${ref}${this.ofBot}`);
    const record = await this.record(String(version));
    return { version: record.version, name: record.name, createdAt: record.createdAt, current: true };
  }

  /** What changed from version `fromRef` to version `toRef` (each a number or "current"). */
  async diff(toRef: string, fromRef: string): Promise<VersionDiff> {
    const [to, from] = await Promise.all([this.record(toRef), this.record(fromRef)]);
    return { from: from.version, to: to.version, ...diffFlows(from.flow, to.flow) };
  }

  async export(ref: string, format: ExportFormat): Promise<{ version: number; body: string }> {
    const machine = await this.machine(ref);
    return { version: machine.version, body: exportMachine(machine.compiled, format) };
  }

  /** The diagram export of the blocks around one block (for flows too large to draw whole). */
  async exportNeighbourhood(ref: string, around: Neighbourhood): Promise<{ version: number; body: string }> {
    const machine = await this.machine(ref);
    const diagram = toDiagram(machine.compiled, around);
    if (!diagram) throw errors.invalidParameter(`around: flow version ${machine.version} has no block "${around.around}"`);
    return { version: machine.version, body: JSON.stringify(diagram) };
  }

  /**
   * The shared compiled machine of a version ("current" or a number). Versions are immutable, so a
   * cached machine is used without reading (and parsing) the stored flow again: this runs for every
   * new or resumed conversation.
   */
  async machine(ref: string | number): Promise<FlowMachine> {
    const cached = typeof ref === 'number' ? this.machines.peek(this.bot, ref) : undefined;
    if (cached) return cached;
    const record = await this.record(String(ref));
    return this.machines.get(this.bot, record.version, record.flow);
  }

  currentVersion(): Promise<number | undefined> {
    return this.flows.currentVersion();
  }

  /** Named in messages about another bot's versions; messages about the default bot's stay as they were. */
  private get ofBot(): string {
    return this.bot === DEFAULT_BOT ? '' : ` of bot "${this.bot}"`;
  }

  /** Validation (limits included) and compilation, in the flow model; an invalid flow is a 422. */
  private prepare(input: unknown): Extract<ReturnType<typeof prepareFlow>, { ok: true }> {
    const prepared = prepareFlow(input, this.limits);
    if (!prepared.ok) throw errors.invalidFlow(prepared.errors);
    return { ...prepared, warnings: [...prepared.warnings, ...unsetSecretWarnings(input, this.secretIsSet)] };
  }

  private async record(ref: string): Promise<FlowVersionRecord> {
    if (ref === 'current') {
      const current = await this.flows.current();
      if (!current) throw errors.notFound(`current flow${this.ofBot}`);
      return current;
    }
    const version = parseVersion(ref);
    const record = version === undefined ? undefined : await this.flows.get(version);
    if (!record) throw errors.notFound(`flow version ${ref}${this.ofBot}`);
    return record;
  }
}

function parseVersion(ref: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(ref)) return undefined;
  return Number(ref);
}

/** Strong ETag: versions are immutable, so version + content hash identifies the representation. */
function etagOf(record: FlowVersionRecord): string {
  return `"v${record.version}-${createHash('sha1').update(record.source).digest('base64url').slice(0, 12)}"`;
}
