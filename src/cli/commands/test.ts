import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { loadSettings, type Settings } from '../../config/settings';
import { LocalIntentClassifier } from '../../intent/local';
import type { IntentDetector } from '../../intent/detector';
import type { Step } from '../../flow/step';
import {
  checkTestFile,
  coverageOf,
  formatSuite,
  junitXml,
  percent,
  runSuite,
  type SuiteResult,
  type TestFile,
  type TestTarget,
} from '../../testing';
import type { Command } from '../command';
import { formatProblem, prepareFlowFile, readFlowFile } from '../flow-file';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, writeLine, type CliIo } from '../io';
import { documentKind } from '../document-kind';
import { writeOutputFile } from '../output-file';
import { generateCommandRun } from './test-generate';

interface FileRun {
  file: string;
  flow: string;
  result: SuiteResult;
  steps: Step[];
  target: TestTarget;
}

/** A test file, read and checked; an unreadable or invalid one is reported and ends the run with exit 2. */
async function loadTestFile(file: string, settings: Settings, io: CliIo): Promise<TestFile | undefined> {
  const source = await readFlowFile(file, settings.limits.maxBodyBytes);
  if (!source.ok) {
    writeLine(io.stderr, `${file}: ${formatProblem(source.problem)}`);
    return undefined;
  }
  const checked = checkTestFile(source.value);
  if (!checked.ok && documentKind(source.value) === 'flow') {
    writeLine(
      io.stderr,
      `${file}: this is a flow, not a test file; to write tests for it: flowbot test --generate ${file} --out FILE.test.json`,
    );
    return undefined;
  }
  if (!checked.ok) {
    for (const error of checked.errors) writeLine(io.stderr, `${file}: ${formatProblem(error)}`);
    return undefined;
  }
  return checked.value;
}

/** The flow a test file names; one that cannot be read is reported at the file's `/flow` (undefined). */
async function flowOfTestFile(
  file: string,
  flowPath: string,
  settings: Settings,
  io: CliIo,
): Promise<Awaited<ReturnType<typeof prepareFlowFile>> | undefined> {
  try {
    return await prepareFlowFile(flowPath, settings);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    writeLine(io.stderr, `${file}: /flow: ${err.message}; "flow" is relative to the test file`);
    return undefined;
  }
}

/** A flow's path as the user would type it: relative to the working directory when it is below it. */
function shownPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}

function parseMinCoverage(value: string | boolean | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  // Decimal only: Number() would also take "0x10", "1e2" and " 50 ".
  const pct = /^[0-9]+(?:\.[0-9]+)?%?$/.test(value) ? Number(value.replace(/%$/, '')) : NaN;
  if (!Number.isFinite(pct) || pct < 0 || pct > 100) {
    throw new UsageError(`--min-coverage must be a percentage from 0 to 100; got ${JSON.stringify(value)}`, 'test');
  }
  return pct / 100;
}

export const testCommand: Command = {
  name: 'test',
  synopsis: 'FILE... [--coverage] | --generate FLOW',
  summary: 'run conversation tests, or generate tests that take every transition of a flow',
  description: [
    'Runs the conversation tests in each test FILE (`*.test.json`) against its flow, on the runtime the',
    'server uses, with time on a virtual clock (a `silence` step takes no real time). Prints each test',
    "with what differed; --coverage adds the share of the compiled machine's transitions the tests took",
    'and the ones they did not, as `from -> to (event)`; --min-coverage fails below that percentage',
    '(for the tests of one flow together). --junit writes JUnit XML for CI, --json prints the results.',
    '',
    'With --generate, writes (to --out, or stdout) a test file whose tests together take every transition',
    'of the flow in FLOW, found on the compiled machine with xstate/graph; transitions it cannot reach',
    'are listed on stderr with the reason.',
  ].join('\n'),
  options: {
    junit: { type: 'string', valueName: 'PATH', description: 'also write the results as JUnit XML to PATH' },
    coverage: { type: 'boolean', description: "print the coverage of each flow's transitions" },
    'min-coverage': {
      type: 'string',
      valueName: 'PCT',
      description: "fail (exit 1) when a flow's coverage is below PCT percent (implies --coverage)",
    },
    json: { type: 'boolean', description: 'print the results as one JSON object' },
    generate: { type: 'boolean', description: 'generate a test file for the flow FLOW instead of running tests' },
    out: { type: 'string', valueName: 'FILE', description: 'with --generate: write the test file here (default: stdout)' },
  },
  positionals: ['FILE...'],
  exitCodes:
    '0 every test passed (and coverage reached --min-coverage), 1 a test failed or coverage is too low, 2 bad usage or an unreadable or invalid file',
  async run({ values, positionals }, io) {
    const settings = loadSettings(io.env);
    if (values.generate === true) {
      if (positionals.length !== 1) throw new UsageError('--generate takes exactly one FLOW file', 'test');
      for (const option of ['junit', 'coverage', 'min-coverage', 'json'] as const) {
        if (values[option] !== undefined) throw new UsageError(`--${option} does not go with --generate`, 'test');
      }
      return generateCommandRun(positionals[0] as string, typeof values.out === 'string' ? values.out : undefined, settings, io);
    }
    if (values.out !== undefined) throw new UsageError('--out goes with --generate', 'test');
    const minCoverage = parseMinCoverage(values['min-coverage']);
    const withCoverage = values.coverage === true || minCoverage !== undefined;
    let local: IntentDetector | undefined;
    const localDetector = (): IntentDetector => (local ??= new LocalIntentClassifier());
    const targets = new Map<string, TestTarget>();
    const files: FileRun[] = [];
    for (const file of positionals) {
      const document = await loadTestFile(file, settings, io);
      if (!document) return EXIT_USAGE;
      const flowPath = resolve(dirname(file), document.flow);
      let target = targets.get(flowPath);
      if (!target) {
        const prepared = await flowOfTestFile(file, flowPath, settings, io);
        if (prepared === undefined) return EXIT_USAGE;
        if (!prepared.ok) {
          for (const error of prepared.errors) writeLine(io.stderr, `${document.flow}: ${formatProblem(error)}`);
          return EXIT_USAGE;
        }
        target = { compiled: prepared.compiled, localDetector };
        targets.set(flowPath, target);
      }
      const run = await runSuite(document, target);
      files.push({ file, flow: flowPath, result: run.summary, steps: run.runs.flatMap((r) => r.steps), target });
    }
    // Coverage is per flow: several files may test one flow together.
    const flows = [...targets.entries()].map(([flow, target]) => {
      const coverage = coverageOf(
        target.compiled.config,
        files.filter((f) => f.flow === flow).flatMap((f) => f.steps),
      );
      return { flow, coverage };
    });
    const failed = files.reduce((n, f) => n + f.result.failed, 0);
    const passed = files.reduce((n, f) => n + f.result.passed, 0);
    const tooLow = minCoverage === undefined ? [] : flows.filter((f) => f.coverage.ratio < minCoverage);
    if (values.json === true) {
      writeLine(
        io.stdout,
        JSON.stringify({
          passed,
          failed,
          files: files.map((f) => ({ file: f.file, ...f.result })),
          flows: flows.map((f) => ({ flow: f.flow, coverage: f.coverage.ratio, uncovered: f.coverage.uncovered })),
        }),
      );
    } else {
      for (const f of files) writeLine(io.stdout, formatSuite(f.file, f.result, withCoverage && targets.size === files.length).join('\n'));
      if (withCoverage && targets.size !== files.length) {
        for (const { flow, coverage } of flows) {
          writeLine(io.stdout, `${shownPath(flow)}: coverage ${percent(coverage.ratio)} of transitions`);
          for (const t of coverage.uncovered) writeLine(io.stdout, `  ${t}`);
        }
      }
      writeLine(io.stdout, `${passed} passed, ${failed} failed`);
    }
    for (const { flow, coverage } of tooLow) {
      writeLine(io.stderr, `${shownPath(flow)}: coverage ${percent(coverage.ratio)} is below --min-coverage ${percent(minCoverage ?? 0)}`);
    }
    // After the results are printed, so that a path that cannot be written does not hide them.
    if (typeof values.junit === 'string') {
      await writeOutputFile('test', '--junit', values.junit, junitXml(files.map((f) => ({ name: f.file, result: f.result }))));
    }
    return failed > 0 || tooLow.length > 0 ? EXIT_INVALID : EXIT_OK;
  },
};
