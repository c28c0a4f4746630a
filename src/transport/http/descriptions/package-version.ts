import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** flowbot's version from package.json (four levels up from src/transport/http/descriptions and from dist/...). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
