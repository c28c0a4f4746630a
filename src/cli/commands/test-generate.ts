import { basename, dirname, relative, resolve } from 'node:path';
import type { Settings } from '../../config/settings';
import { checkTestFile, formatTestDocument, generateTests, percent } from '../../testing';
import { documentKind } from '../document-kind';
import { formatProblem, prepareFlowSource, readFlowFile } from '../flow-file';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, writeLine, type CliIo } from '../io';
import { sameFile, writeOutputFile } from '../output-file';

/**
 * `flowbot test --generate FLOW [--out FILE]`: a test file whose tests take every transition of the
 * flow generation can reach; to FILE (its `flow` relative to it) or stdout. Exit 0 when every
 * transition is covered, 1 when some cannot be reached (listed, with why, on stderr), 2 bad flow.
 */
export async function generateCommandRun(flowFile: string, out: string | undefined, settings: Settings, io: CliIo): Promise<number> {
  // Writing the tests over the flow they test would lose the flow: a slip of the shell (tab completion) away.
  if (out !== undefined && (await sameFile(out, flowFile))) {
    throw new UsageError(`--out ${out} is the flow file itself; write the tests to another file (e.g. a *.test.json beside it)`, 'test');
  }
  const source = await readFlowFile(flowFile, settings.limits.maxBodyBytes);
  if (source.ok && documentKind(source.value) === 'tests') {
    writeLine(io.stderr, `${flowFile}: this is a test file, not a flow; to run it: flowbot test ${flowFile}`);
    return EXIT_USAGE;
  }
  const prepared = prepareFlowSource(source, settings);
  if (!prepared.ok) {
    for (const error of prepared.errors) writeLine(io.stderr, `${flowFile}: ${formatProblem(error)}`);
    return EXIT_USAGE;
  }
  let generated;
  try {
    generated = await generateTests(prepared.compiled);
  } catch (err) {
    writeLine(io.stderr, `${flowFile}: cannot generate tests: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_INVALID;
  }
  // A test file's `flow` is relative to the test file. On stdout its place is unknown: name the flow
  // as seen from beside it, where test files go (and say so below); --out computes the exact path.
  const flowPath = out === undefined ? basename(flowFile) : relative(dirname(resolve(out)), resolve(flowFile)) || basename(flowFile);
  const document = { flow: flowPath.split('\\').join('/'), ...generated.suite };
  const text = formatTestDocument(document);
  if (out === undefined) io.stdout.write(text);
  else await writeOutputFile('test', '--out', out, text);
  const { coverage } = generated;
  writeLine(
    io.stderr,
    `${generated.suite.tests.length} tests, coverage ${percent(coverage.ratio)} of ${coverage.total} transitions${out ? `, written to ${out}` : ''}`,
  );
  if (out === undefined) {
    writeLine(io.stderr, `its "flow" is "${document.flow}": save it beside ${flowFile}, or use --out FILE to point it there from anywhere`);
  }
  for (const u of generated.unreachable) writeLine(io.stderr, `not covered: ${u.transition}: ${u.reason}`);
  const refusals = refusalsOf(document, text, settings);
  for (const refusal of refusals) writeLine(io.stderr, `flowbot test would refuse this file: ${refusal}`);
  return generated.unreachable.length > 0 || refusals.length > 0 ? EXIT_INVALID : EXIT_OK;
}

/**
 * Why `flowbot test` (and POST .../tests) would refuse the generated file: a large flow's tests, each
 * replaying its path from the start, can pass MAX_BODY_BYTES or the limits of the test file's schema
 * (1000 tests, 2000 steps a test). Said at once, rather than when the file is first run.
 */
function refusalsOf(document: unknown, text: string, settings: Settings): string[] {
  const bytes = Buffer.byteLength(text);
  const { maxBodyBytes } = settings.limits;
  const size =
    bytes > maxBodyBytes ? [`it is ${bytes} bytes, more than MAX_BODY_BYTES (${maxBodyBytes}); raise MAX_BODY_BYTES to run it`] : [];
  const checked = checkTestFile(document);
  return [...size, ...(checked.ok ? [] : checked.errors.map(formatProblem))];
}
