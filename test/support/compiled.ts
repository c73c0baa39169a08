import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['services', 'workers', 'test/support'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The compiled form of a TypeScript module of this repository (dist/..., which `npm test` builds before
 * the suite runs), when it is at least as new as every source it may import; otherwise null, and the
 * caller runs the .ts file through the test runner's loader (slower: it compiles on every start).
 * Child processes start in well under a second from dist, several seconds through the loader.
 */
export function compiledModule(tsPath: string): string | null {
  const compiled = join(ROOT, 'dist', relative(ROOT, tsPath).replace(/\.ts$/, '.js'));
  if (!existsSync(compiled)) return null;
  const builtAt = statSync(compiled).mtimeMs;
  return SOURCE_DIRS.every((dir) => newestSource(join(ROOT, dir)) <= builtAt) ? compiled : null;
}
