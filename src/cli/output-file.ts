import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from './io';

/**
 * Writes a file a command was asked to write (`--junit PATH`, `--out FILE`), creating missing folders.
 * A path that cannot be written (a folder, no permission) is a usage error that names the option and
 * the path, exit 2, rather than a bare `EISDIR: illegal operation on a directory`.
 */
export async function writeOutputFile(command: string, option: string, path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(resolve(path)), { recursive: true });
    await writeFile(path, text);
  } catch (err) {
    throw new UsageError(`cannot write ${option} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, command);
  }
}

/** True when `a` and `b` name one file: the same path, or (both existing) the same inode, e.g. through a link. */
export async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
