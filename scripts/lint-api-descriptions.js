#!/usr/bin/env node
'use strict';
/**
 * `npm run lint:api` (run by .ci/run after the build): starts the built server on 127.0.0.1 with a
 * throwaway database, fetches the documents it serves (/api/openapi.json, /api/asyncapi.json) and
 * checks them with maintained linters: Redocly CLI (OpenAPI 3.1, its recommended rules) and the
 * AsyncAPI parser (the AsyncAPI 3.0 schema and its Spectral rules). Any error or warning fails.
 * `--out DIR` also keeps the documents there.
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');

async function serveDocuments() {
  const pino = require('pino');
  const { createApp } = require(join(dist, 'app'));
  const { loadSettings } = require(join(dist, 'config', 'settings'));
  const { createIntentDetector } = require(join(dist, 'intent', 'create-detector'));
  const { openSqliteStorage } = require(join(dist, 'storage', 'sqlite'));
  const settings = loadSettings({ DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent', INTENT_PROVIDER: 'local' });
  const logger = pino({ level: 'silent' });
  const storage = openSqliteStorage({ path: ':memory:', logger });
  const app = await createApp({ settings, storage, intent: createIntentDetector(settings, logger), logger });
  try {
    const { port } = await app.listen(0, '127.0.0.1');
    const get = async (path) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
      return res.text();
    };
    return { openapi: await get('/api/openapi.json'), asyncapi: await get('/api/asyncapi.json') };
  } finally {
    await app.close();
    await storage.close();
  }
}

function lintOpenApi(file) {
  const redocly = join(root, 'node_modules', '.bin', 'redocly');
  // Offline: no telemetry, no update check. The recommended rules (no redocly.yaml).
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const run = spawnSync(redocly, ['lint', '--format', 'json', file], { env, encoding: 'utf8' });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    process.stderr.write(run.stdout + run.stderr);
    return false;
  }
  for (const problem of report.problems) {
    const where = problem.location?.[0]?.pointer ?? '';
    process.stdout.write(`openapi ${problem.severity} ${problem.ruleId} at ${where}: ${problem.message}\n`);
  }
  process.stdout.write(`redocly ${report.version}: ${report.totals.errors} errors, ${report.totals.warnings} warnings\n`);
  // A warning fails too: the document is generated, so every warning is fixable at its source.
  return report.totals.errors === 0 && report.totals.warnings === 0;
}

async function lintAsyncApi(text) {
  const { Parser } = require('@asyncapi/parser');
  const { diagnostics } = await new Parser().parse(text);
  // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
  const problems = diagnostics.filter((d) => d.severity <= 1);
  for (const d of diagnostics) {
    process.stdout.write(`asyncapi ${['error', 'warning', 'info', 'hint'][d.severity]} ${d.code} at /${d.path.join('/')}: ${d.message}\n`);
  }
  process.stdout.write(`@asyncapi/parser: ${problems.length} errors or warnings\n`);
  return problems.length === 0;
}

async function main() {
  const outFlag = process.argv.indexOf('--out');
  const dir = outFlag > 0 ? process.argv[outFlag + 1] : mkdtempSync(join(tmpdir(), 'flowbot-api-'));
  const documents = await serveDocuments();
  const openapiFile = join(dir, 'openapi.json');
  writeFileSync(openapiFile, documents.openapi);
  writeFileSync(join(dir, 'asyncapi.json'), documents.asyncapi);
  const openapiOk = lintOpenApi(openapiFile);
  const asyncapiOk = await lintAsyncApi(readFileSync(join(dir, 'asyncapi.json'), 'utf8'));
  process.stdout.write(`OpenAPI document: ${openapiOk ? 'valid' : 'PROBLEMS'}; AsyncAPI document: ${asyncapiOk ? 'valid' : 'PROBLEMS'}\n`);
  process.exitCode = openapiOk && asyncapiOk ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`lint-api-descriptions: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
