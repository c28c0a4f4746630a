import { open } from 'node:fs/promises';
import { flowLimitsOf } from '../config/limits';
import type { Settings } from '../config/settings';
import { type FlowProblem, parseFlowSource, type ParsedSource, prepareFlow, type PreparedFlow } from '../flow';
import { UsageError } from './io';

/**
 * Reads a flow file and parses it as the server parses an upload (size, UTF-8, a BOM dropped, JSON),
 * reading at most one byte more than `maxBytes`, whatever the file's size. A file that cannot be read
 * is a usage error (exit 2); one that is too large, not UTF-8 or not JSON is an invalid flow (exit 1).
 */
export async function readFlowFile(file: string, maxBytes: number): Promise<ParsedSource> {
  let bytes: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      bytes = await readAtMost(handle, maxBytes + 1);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${readFailure(err)}`);
  }
  return parseFlowSource(bytes, maxBytes);
}

/** The common reasons in words, with the code to search for: `no such file (ENOENT)`. */
const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
};

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === undefined) return String(err);
  const words = READ_FAILURES[code];
  return words ? `${words} (${code})` : code;
}

async function readAtMost(handle: Awaited<ReturnType<typeof open>>, limit: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.min(limit, 64 * 1024));
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, limit - total), null);
    if (bytesRead === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

/** Reads, validates (with the limits of `settings`, as the server does) and compiles a flow file. */
export async function prepareFlowFile(file: string, settings: Settings): Promise<PreparedFlow> {
  return prepareFlowSource(await readFlowFile(file, settings.limits.maxBodyBytes), settings);
}

/** Validates and compiles a flow file already read (to look at it first). */
export function prepareFlowSource(source: ParsedSource, settings: Settings): PreparedFlow {
  if (!source.ok) return { ok: false, errors: [source.problem], warnings: [] };
  return prepareFlow(source.value, flowLimitsOf(settings));
}

/** One problem on one line: `/blocks/2/next: block "x" does not exist (unknown_block)`. */
export function formatProblem(problem: FlowProblem): string {
  // The root's JSON pointer is "" (not "/", which names the key ""): spell it out.
  return `${problem.path || '(document)'}: ${problem.message} (${problem.code})`;
}
