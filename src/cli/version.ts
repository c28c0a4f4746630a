import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package's version, from package.json: two levels up from src/cli and from dist/cli. */
export function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}
