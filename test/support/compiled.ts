import { join } from 'node:path';
import { projectRoot } from '../../services/project-root.js';

/**
 * The compiled form (dist/...js) of a TypeScript module of this repository, given by its path from the
 * project root: what child processes run, as the suite itself runs from dist/ (`npm test` compiles first).
 */
export const compiledModule = (sourcePath: string): string => join(projectRoot, 'dist', sourcePath.replace(/\.ts$/, '.js'));
