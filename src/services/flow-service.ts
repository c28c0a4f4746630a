import { createHash } from 'node:crypto';
import { exportMachine, type ExportFormat } from '../flow/export';
import { prepareFlow } from '../flow';
import { type FlowProblem, pointer } from '../flow/problems';
import type { Flow } from '../flow/types';
import { errors } from '../errors';
import type { FlowVersionRecord, FlowVersionSummary } from '../storage/records';
import type { FlowRepository } from '../storage/repositories';
import type { Clock } from '../util/clock';
import { type FlowMachine, FlowMachineCache } from './flow-machines';

export interface UploadResult {
  version: number;
  createdAt: string;
  warnings: FlowProblem[];
}

export interface StoredFlow {
  version: number;
  createdAt: string;
  source: string;
  etag: string;
}

/** Operator limits, at most the schema's own (MAX_FLOW_BLOCKS, MAX_INTENTS_PER_BLOCK, MAX_TEXT_CHARS). */
export interface FlowLimits {
  maxBlocks: number;
  maxIntentsPerBlock: number;
  maxTextChars: number;
}

const SCHEMA_LIMITS: FlowLimits = { maxBlocks: 5000, maxIntentsPerBlock: 50, maxTextChars: 4000 };

/** Flow versions: upload, read, roll back, compile and export. No HTTP here. */
export class FlowService {
  constructor(
    private readonly flows: FlowRepository,
    private readonly machines: FlowMachineCache,
    private readonly clock: Clock,
    private readonly limits: FlowLimits = SCHEMA_LIMITS,
  ) {}

  /** Checks a parsed flow without storing it. */
  validate(input: unknown): { valid: true; warnings: FlowProblem[] } {
    const prepared = this.prepare(input);
    return { valid: true, warnings: prepared.warnings };
  }

  /** Stores a valid flow as a new version that becomes current; `source` is kept byte for byte. */
  async upload(input: unknown, source: string): Promise<UploadResult> {
    const prepared = this.prepare(input);
    const record = await this.flows.create({ flow: prepared.flow, source, createdAt: this.clock.now().toISOString() });
    // Warm the cache: the compile work is already done, and the next conversation will need it.
    this.machines.get(record.version, record.flow, prepared.compiled);
    return { version: record.version, createdAt: record.createdAt, warnings: prepared.warnings };
  }

  /** Stores the bundled default flow as version 1 when the database has no flow at all. */
  async ensureDefault(source: string): Promise<number | undefined> {
    if ((await this.flows.list()).length > 0) return undefined;
    return (await this.upload(JSON.parse(source) as unknown, source)).version;
  }

  list(): Promise<FlowVersionSummary[]> {
    return this.flows.list();
  }

  /** `ref` is a version number or "current". */
  async read(ref: string): Promise<StoredFlow> {
    const record = await this.record(ref);
    return { version: record.version, createdAt: record.createdAt, source: record.source, etag: etagOf(record) };
  }

  async activate(ref: string): Promise<FlowVersionSummary> {
    const version = parseVersion(ref);
    if (version === undefined || !(await this.flows.activate(version))) throw errors.notFound(`flow version ${ref}`);
    const record = await this.record(String(version));
    return { version: record.version, name: record.name, createdAt: record.createdAt, current: true };
  }

  async export(ref: string, format: ExportFormat): Promise<{ version: number; body: string }> {
    const machine = await this.machine(ref);
    return { version: machine.version, body: exportMachine(machine.compiled, format) };
  }

  /**
   * The shared compiled machine of a version ("current" or a number). Versions are immutable, so a
   * cached machine is used without reading (and parsing) the stored flow again: this runs for every
   * new or resumed conversation.
   */
  async machine(ref: string | number): Promise<FlowMachine> {
    const cached = typeof ref === 'number' ? this.machines.peek(ref) : undefined;
    if (cached) return cached;
    const record = await this.record(String(ref));
    return this.machines.get(record.version, record.flow);
  }

  currentVersion(): Promise<number | undefined> {
    return this.flows.currentVersion();
  }

  /** Checks the operator's limits first (cheap, and spares validating a huge flow), then the flow. */
  private prepare(input: unknown): Extract<ReturnType<typeof prepareFlow>, { ok: true }> {
    const blocks = (input as { blocks?: unknown } | null)?.blocks;
    if (Array.isArray(blocks) && blocks.length > this.limits.maxBlocks) {
      throw errors.invalidFlow([
        {
          path: '/blocks',
          code: 'too_many_blocks',
          message: `a flow may have at most ${this.limits.maxBlocks} blocks (MAX_FLOW_BLOCKS); this one has ${blocks.length}`,
        },
      ]);
    }
    const prepared = prepareFlow(input);
    if (!prepared.ok) throw errors.invalidFlow(prepared.errors);
    const overLimits = this.limitProblems(prepared.flow);
    if (overLimits.length) throw errors.invalidFlow(overLimits);
    return prepared;
  }

  /** Limits below the schema's own, which only an operator sets; checked on a valid flow. */
  private limitProblems(flow: Flow): FlowProblem[] {
    const { maxIntentsPerBlock, maxTextChars } = this.limits;
    const problems: FlowProblem[] = [];
    flow.blocks.forEach((block, i) => {
      if (block.type === 'intent' && block.intents.length > maxIntentsPerBlock) {
        problems.push({
          path: pointer('blocks', i, 'intents'),
          code: 'too_many_intents',
          message: `an intent block may have at most ${maxIntentsPerBlock} intents (MAX_INTENTS_PER_BLOCK)`,
        });
      }
      if ((block.type === 'message' || block.type === 'end') && block.text !== undefined && block.text.length > maxTextChars) {
        problems.push({
          path: pointer('blocks', i, 'text'),
          code: 'text_too_long',
          message: `a text may have at most ${maxTextChars} characters (MAX_TEXT_CHARS)`,
        });
      }
    });
    return problems;
  }

  private async record(ref: string): Promise<FlowVersionRecord> {
    if (ref === 'current') {
      const current = await this.flows.current();
      if (!current) throw errors.notFound('current flow');
      return current;
    }
    const version = parseVersion(ref);
    const record = version === undefined ? undefined : await this.flows.get(version);
    if (!record) throw errors.notFound(`flow version ${ref}`);
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
