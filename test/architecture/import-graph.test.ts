import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { projectRoot as ROOT } from '../../services/project-root.js';

// The layers, checked on every build: the import graph of services/ and workers/ has no cycle, and no
// module imports across a line the architecture draws (docs/ARCHITECTURE.md says why each exists).

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each module's imports: repository paths for our own modules, package names for the rest. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\sfrom\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.map((specifier) =>
    specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier,
  );
}

const files = [...sources('services'), ...sources('workers')];
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const ownImports = (file: string) => graph.get(file)!.filter((target) => graph.has(target));

t.test('no import cycle', async (t) => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const target of ownImports(file)) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  t.same(cycles, []);
});

const under = (prefix: string) => (path: string) => path === prefix || path.startsWith(`${prefix}/`);
const RULES: { from: (file: string) => boolean; to: (target: string) => boolean; why: string }[] = [
  {
    from: under('services/crawl'),
    to: (target) => /^(services\/(store|transactions|api|admin|web|queues)|workers)\b/.test(target) || /^(fastify|@fastify\/|pg$|bullmq$|ioredis$)/.test(target),
    why: 'the domain is plain data in, plain data out: no store, queue, web framework or database driver',
  },
  { from: under('services/api'), to: under('services/admin'), why: 'the public API and the ops admin are siblings' },
  { from: under('services/admin'), to: under('services/api'), why: 'the ops admin and the public API are siblings' },
  {
    from: under('services/store'),
    to: (target) => /^(services\/(api|admin|web|transactions)|workers)\b/.test(target) || /^(fastify|@fastify\/|bullmq$)/.test(target),
    why: 'repositories know PostgreSQL, not who calls them (transactions over several of them live above, in services/transactions)',
  },
  {
    from: (file) => file !== 'services/main.ts',
    to: under('workers'),
    why: 'only the entry point starts workers; nothing else may depend on them',
  },
];

t.test('no import crosses a layer', async (t) => {
  const crossings: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const rule = RULES.find((r) => r.from(file) && r.to(target) && !(under('workers')(file) && under('workers')(target)));
      if (rule) crossings.push(`${file} imports ${target}: ${rule.why}`);
    }
  }
  t.same(crossings, []);
});

t.test('SQL lives in services/store only', async (t) => {
  const outside = files.filter((file) => !under('services/store')(file)).filter((file) =>
    /\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/.test(readFileSync(join(ROOT, file), 'utf8')),
  );
  t.same(outside, []);
});

t.test('every statement of a repository carries its name', async (t) => {
  // `.query(` whose first argument is a literal must start it with /* module.function */, so that the
  // name shows in PostgreSQL's activity and logs and in our errors (services/store/db.ts).
  const unnamed: string[] = [];
  for (const file of files.filter(under('services/store'))) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/\.query(?:<[^>(]*>)?\(\s*([`'])((?:(?!\1)[\s\S]){0,60})/g)) {
      if (!/^\/\* [\w.-]+ \*\/ |^(BEGIN|COMMIT|ROLLBACK)$/.test(match[2]!)) unnamed.push(`${file}: ${match[2]!.slice(0, 40)}`);
    }
  }
  t.same(unnamed, []);
});
