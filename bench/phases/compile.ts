import { compileFlow } from '../../src/flow/compile';
import { validateFlow } from '../../src/flow/validate';
import { LocalIntentClassifier } from '../../src/intent/local';
import { createFlowMachine } from '../../src/runtime/flow-machine';
import { generateFlow } from '../lib/generate-flow';
import { median, round } from '../lib/stats';

export interface CompileFigure {
  blocks: number;
  /** Milliseconds, median of the timed runs. */
  validateMs: number;
  compileMs: number;
  /** setup() + createMachine(): what FlowMachineCache does once per version. */
  machineMs: number;
  totalMs: number;
  /** The first run of this size (JIT cold for this shape). */
  firstTotalMs: number;
  runs: number;
}

export interface CompileResult {
  /** Ajv compiles the flow schema once per process, on the first validation. */
  schemaCompileMs: number;
  sizes: CompileFigure[];
}

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const value = fn();
  return [value, performance.now() - t];
}

/**
 * Validation and compilation as an upload does it (prepareFlow) plus the machine setup a version gets
 * once: a JSON round trip first, since an upload arrives as text.
 */
export function runCompilePhase(sizes: number[], budgetMsPerSize: number): CompileResult {
  const detector = new LocalIntentClassifier();
  const [, schemaCompileMs] = timed(() => validateFlow(generateFlow(4)));
  const figures: CompileFigure[] = [];
  for (const size of sizes) {
    const source = JSON.stringify(generateFlow(size));
    const v: number[] = [];
    const c: number[] = [];
    const m: number[] = [];
    const started = performance.now();
    while ((performance.now() - started < budgetMsPerSize && v.length < 200) || v.length < 5) {
      const doc: unknown = JSON.parse(source);
      const [result, validateMs] = timed(() => validateFlow(doc));
      if (!result.valid) throw new Error(`generated flow of ${size} blocks is invalid: ${JSON.stringify(result.errors.slice(0, 3))}`);
      const [compiled, compileMs] = timed(() => compileFlow(doc as Parameters<typeof compileFlow>[0]));
      const [, machineMs] = timed(() => createFlowMachine(compiled, { detector }));
      v.push(validateMs);
      c.push(compileMs);
      m.push(machineMs);
    }
    const totals = v.map((x, i) => x + (c[i] ?? 0) + (m[i] ?? 0));
    figures.push({
      blocks: size,
      validateMs: round(median(v), 3),
      compileMs: round(median(c), 3),
      machineMs: round(median(m), 3),
      totalMs: round(median(totals), 3),
      firstTotalMs: round(totals[0] ?? 0, 3),
      runs: v.length,
    });
  }
  return { schemaCompileMs: round(schemaCompileMs, 2), sizes: figures };
}
