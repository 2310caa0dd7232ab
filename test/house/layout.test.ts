/**
 * The house rules that a reader can check without running anything: every file in src/ and commands/
 * stays under 300 lines, and the folders import each other without a cycle (core never waits on a
 * side-effect folder that waits on core). Module-level cycle tools (madge, dependency-cruiser) answer
 * for files, not folders, so this walks the relative imports itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_LINES = 300;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'commands'))];

/** src/core, src/chat/telegram, commands: the folder a file belongs to. */
const folderOf = (path: string) => relative(ROOT, dirname(path));

function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = folderOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const to = folderOf(resolve(dirname(file), m[1]!));
      // A folder and its own subfolders are one unit here (src/install and src/install/steps).
      if (to === from || to.startsWith(`${from}/`) || from.startsWith(`${to}/`)) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** Every cycle's folders (strongly connected components of more than one folder), by Tarjan's walk. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the house', () => {
  it(`keeps every file in src/ and commands/ at ${MAX_LINES} lines or fewer`, () => {
    const long = files.map((f) => ({ file: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 })).filter((f) => f.lines > MAX_LINES);
    expect(files.length).toBeGreaterThan(100);
    expect(long).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    const graph = folderGraph();
    expect(graph.get('commands')?.has('src/core')).toBe(true); // the walk sees imports at all
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('keeps src/core free of side-effect imports (no node: modules but crypto and util types)', () => {
    const offenders = sources(join(ROOT, 'src/core')).filter((f) =>
      /from\s+['"]node:(fs|child_process|net|http|https|dgram|os)(\/promises)?['"]/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
