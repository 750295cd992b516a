/**
 * The layout's rule, checked on the sources: imports point one way. The library never imports
 * cli/, no two folders of src/ import each other (directly or round a loop), and no file is in a
 * cycle of imports that run (type-only imports vanish from the JavaScript).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './fixtures';

const SRC = path.join(ROOT, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of each file, resolved to files; `import type` too unless `runtime`. */
function importGraph(runtime = false): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    let text = fs.readFileSync(file, 'utf8');
    if (runtime) text = text.replace(/^(import|export) type [^;]*;/gm, '');
    const targets = [...text.matchAll(/(?:from|import\(|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)]
      .map((m) => path.resolve(path.dirname(file), m[1]))
      .map((t) => [t, `${t}.ts`, path.join(t, 'index.ts')].find((c) => fs.existsSync(c) && fs.statSync(c).isFile()))
      .filter((t): t is string => t !== undefined && t.startsWith(SRC));
    graph.set(file, targets);
  }
  return graph;
}

/** src/eval/wsd.ts → eval; a file at the root of src/ is its own unit (src/embed.ts → embed.ts). */
const unit = (file: string) => path.relative(SRC, file).split(path.sep)[0];

function findCycle(graph: Map<string, Set<string> | string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      const cycle = visit(m);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of graph.keys()) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return undefined;
}

const graph = importGraph();

test('the library never imports cli/', () => {
  const offenders = [...graph].filter(([f, targets]) => unit(f) !== 'cli' && targets.some((t) => unit(t) === 'cli')).map(([f]) => path.relative(ROOT, f));
  expect(offenders).toEqual([]);
});

test('folders import one way: no loop between folders of src/', () => {
  const folders = new Map<string, Set<string>>();
  for (const [f, targets] of graph) {
    const from = unit(f);
    if (!folders.has(from)) folders.set(from, new Set());
    for (const t of targets) if (unit(t) !== from) folders.get(from)!.add(unit(t));
  }
  expect(findCycle(folders)).toBeUndefined();
  // the comparison stack, bottom up
  const order = ['eval', 'analysis', 'report', 'compare', 'pipeline', 'cli'];
  for (const [i, folder] of order.entries()) {
    for (const higher of order.slice(i + 1)) expect([folder, folders.get(folder)?.has(higher)]).toEqual([folder, false]);
  }
});

test('no file is in a cycle of imports that run', () => {
  expect(findCycle(importGraph(true))?.map((f) => path.relative(ROOT, f))).toBeUndefined();
});
