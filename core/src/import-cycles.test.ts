import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Core's imports go one way: no file imports itself back through others, and no capability folder
 * (store, ledger, webhooks, delivery…) imports one that imports it back. A cycle is how a port ends
 * up owned by its adapter, or a domain type by the store. Read from the import and export statements
 * of every file under core/src (type-only imports count: they couple the modules as much).
 */
const root = dirname(new URL(import.meta.url).pathname);

/** Every core file, and the core files each one imports (relative specifiers only). */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => /\.(ts|js)$/.test(file));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const specifiers = [...text.matchAll(/\bfrom\s+'(\.\.?\/[^']+)'|\bimport\s*\(?\s*'(\.\.?\/[^']+)'/g)].map((match) => match[1] ?? match[2]!);
    graph.set(
      file,
      specifiers.map((specifier) => relative(root, resolve(root, dirname(file), specifier))),
    );
  }
  return graph;
}

/** The cycles of a graph: its strongly connected components of more than one node, or a node importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)!.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** The folder a file belongs to: `store` for store/sql/sql-store.ts, `index.ts` for a file at the root. */
const folderOf = (file: string) => file.split('/')[0]!;

describe('core’s imports', () => {
  const files = importGraph();

  it('find every file they name', () => {
    const missing = [...files].flatMap(([file, imports]) => imports.filter((target) => !files.has(target)).map((target) => `${file} → ${target}`));
    expect(missing).toEqual([]);
  });

  it('form no cycle between files', () => {
    expect(cycles(files)).toEqual([]);
  });

  it('form no cycle between folders', () => {
    // Tests are left out: they reach across folders (into testing/, which reaches back) and nothing imports them.
    const code = new Map([...files].filter(([file]) => !file.endsWith('.test.ts')));
    const folders = new Map<string, string[]>();
    for (const [file, imports] of code) {
      const from = folderOf(file);
      const targets = imports.map(folderOf).filter((to) => to !== from);
      folders.set(from, [...new Set([...(folders.get(from) ?? []), ...targets])]);
    }
    // Name the files behind each edge of a cycle, so that the message says what to move.
    const explained = cycles(folders).map((cycle) => [
      ...new Set(
        [...code].flatMap(([file, imports]) =>
          imports.filter((target) => cycle.includes(folderOf(file)) && cycle.includes(folderOf(target)) && folderOf(file) !== folderOf(target)).map((target) => `${file} → ${target}`),
        ),
      ),
    ]);
    expect(explained).toEqual([]);
  });

  it('would notice a cycle', () => {
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });
});
