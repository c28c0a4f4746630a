import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Compiled files live in dist-bench/bench/lib, two levels below dist-bench and three below the repo. */
export const DIST_ROOT = join(__dirname, '..', '..');
export const REPO_ROOT = join(DIST_ROOT, '..');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

/**
 * src/ finds its data files relative to itself (src/flow/schema-document.ts reads ../../schemas, the API
 * descriptions ../../../../package.json, the web page ../../../public). Compiled with
 * rootDir = the repo, dist-bench/src/flow/../.. is dist-bench, so the data folders are linked there.
 */
export function linkDataFolders(): void {
  mkdirSync(DIST_ROOT, { recursive: true });
  // deploy/: the nginx configuration that `--postgres` puts in front of two instances.
  for (const folder of ['schemas', 'flows', 'models', 'public', 'deploy']) {
    const link = join(DIST_ROOT, folder);
    if (!existsSync(link)) symlinkSync(join(REPO_ROOT, folder), link, 'dir');
  }
  // The API descriptions carry the package's version.
  const manifest = join(DIST_ROOT, 'package.json');
  if (!existsSync(manifest)) symlinkSync(join(REPO_ROOT, 'package.json'), manifest, 'file');
}

/** The test fixtures, for the scripts that score the intent classifier on them. */
export function linkTestFixtures(): void {
  const link = join(DIST_ROOT, 'test', 'intent', 'fixtures');
  mkdirSync(join(link, '..'), { recursive: true });
  if (!existsSync(link)) symlinkSync(join(REPO_ROOT, 'test', 'intent', 'fixtures'), link, 'dir');
}
