import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Workspace {
  /** Scratch files: host maps, the children's input and output. */
  dir: string;
  /**
   * The project as this bench built it (package.json, openapi.yaml, migrations/, dist/, node_modules
   * linked), which every process of the bench runs: dist/ is shared with whoever else builds in this
   * checkout, and a rebuild in the middle of the bench must not change the code its later runs measure.
   */
  build: string;
}

export function createWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'blb-bench-'));
  const build = join(dir, 'build');
  for (const entry of ['package.json', 'openapi.yaml', 'migrations', 'dist']) cpSync(join(ROOT, entry), join(build, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'), 'dir');
  return { dir, build };
}

export function removeWorkspace(workspace: Workspace): void {
  rmSync(workspace.dir, { recursive: true, force: true });
}
