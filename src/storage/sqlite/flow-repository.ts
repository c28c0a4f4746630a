import type Database from 'better-sqlite3';
import type { Flow } from '../../flow/types';
import type { FlowVersionRecord, FlowVersionSummary } from '../records';
import type { FlowRepository } from '../repositories';
import type { SqliteGuard } from './errors';

interface FlowVersionRow {
  version: number;
  name: string;
  source: string;
  created_at: string;
  /** 0/1: SQLite has no boolean. */
  current: number;
}

type SummaryRow = Omit<FlowVersionRow, 'source'>;

// `current` is computed by joining the single-row pointer table.
const SELECT_VERSION = `
  SELECT v.version, v.name, v.source, v.created_at, (v.version IS c.version) AS current
  FROM flow_versions v LEFT JOIN current_flow c ON c.id = 1`;

function toSummary(row: SummaryRow): FlowVersionSummary {
  return { version: row.version, name: row.name, createdAt: row.created_at, current: row.current === 1 };
}

function toRecord(row: FlowVersionRow): FlowVersionRecord {
  // The source was checked to be JSON on the way in; it is the single stored form of the flow.
  return { ...toSummary(row), source: row.source, flow: JSON.parse(row.source) as Flow };
}

export class SqliteFlowRepository implements FlowRepository {
  // Prepared once: compiling SQL on every call is the main avoidable cost with better-sqlite3.
  private readonly insertStmt: Database.Statement<[string, string, string], { version: number }>;
  private readonly setCurrentStmt: Database.Statement<[number]>;
  private readonly currentStmt: Database.Statement<[], FlowVersionRow>;
  private readonly currentVersionStmt: Database.Statement<[], { version: number }>;
  private readonly getStmt: Database.Statement<[number], FlowVersionRow>;
  private readonly listStmt: Database.Statement<[], SummaryRow>;
  private readonly createTx: Database.Transaction<(name: string, source: string, createdAt: string) => number>;

  constructor(private readonly guard: SqliteGuard) {
    const { db } = guard;
    // max + 1 computed inside the INSERT and the transaction, so concurrent writers cannot collide.
    this.insertStmt = db.prepare(`
      INSERT INTO flow_versions (version, name, source, created_at)
      SELECT COALESCE(MAX(version), 0) + 1, ?, ?, ? FROM flow_versions
      RETURNING version`);
    // Selecting from flow_versions makes activating a missing version a no-op (0 changes).
    this.setCurrentStmt = db.prepare(`
      INSERT INTO current_flow (id, version) SELECT 1, version FROM flow_versions WHERE version = ?
      ON CONFLICT (id) DO UPDATE SET version = excluded.version`);
    this.currentStmt = db.prepare(`${SELECT_VERSION} WHERE v.version = c.version`);
    this.currentVersionStmt = db.prepare('SELECT version FROM current_flow WHERE id = 1');
    this.getStmt = db.prepare(`${SELECT_VERSION} WHERE v.version = ?`);
    this.listStmt = db.prepare(`
      SELECT v.version, v.name, v.created_at, (v.version IS c.version) AS current
      FROM flow_versions v LEFT JOIN current_flow c ON c.id = 1
      ORDER BY v.version DESC`);
    this.createTx = db.transaction((name: string, source: string, createdAt: string): number => {
      const inserted = this.insertStmt.get(name, source, createdAt);
      if (!inserted) throw new Error('INSERT ... RETURNING returned no row');
      this.setCurrentStmt.run(inserted.version);
      return inserted.version;
    });
  }

  async create(input: { flow: Flow; source: string; createdAt: string }): Promise<FlowVersionRecord> {
    // Refuse a source that cannot be read back: every later get() would fail on it.
    JSON.parse(input.source);
    return this.guard.write('flows.create', () => {
      // IMMEDIATE: take the write lock up front; a deferred read-then-write transaction can
      // fail with SQLITE_BUSY_SNAPSHOT against another process instead of waiting.
      const version = this.createTx.immediate(input.flow.name, input.source, input.createdAt);
      const row = this.getStmt.get(version);
      if (!row) throw new Error(`flow version ${version} vanished after insert`);
      return toRecord(row);
    });
  }

  async current(): Promise<FlowVersionRecord | undefined> {
    return this.guard.read('flows.current', () => {
      const row = this.currentStmt.get();
      return row && toRecord(row);
    });
  }

  async currentVersion(): Promise<number | undefined> {
    return this.guard.read('flows.currentVersion', () => this.currentVersionStmt.get()?.version);
  }

  async get(version: number): Promise<FlowVersionRecord | undefined> {
    return this.guard.read('flows.get', () => {
      const row = this.getStmt.get(version);
      return row && toRecord(row);
    });
  }

  async list(): Promise<FlowVersionSummary[]> {
    return this.guard.read('flows.list', () => this.listStmt.all().map(toSummary));
  }

  async activate(version: number): Promise<boolean> {
    return this.guard.write('flows.activate', () => this.setCurrentStmt.run(version).changes > 0);
  }
}
