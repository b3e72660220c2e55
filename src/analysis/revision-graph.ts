/**
 * The revision graph of an Alembic versions directory, from the IR alone (`Migration.revision`,
 * `parents`, `revisionInfo`): heads, references to revisions that do not exist, duplicate ids,
 * cycles, and the order Alembic runs the revisions in (parents and dependencies first).
 */
import type { Migration } from '../ir/types.js';

export interface RevisionGraph {
  /** The versions directory (revisions are grouped by the directory their file is in). */
  directory: string;
  /** Its revisions in input order (path order). */
  migrations: Migration[];
  /** Revision id → the files declaring it (more than one: a duplicate). */
  byId: Map<string, Migration[]>;
  /** Branch label → the revision declaring it. */
  labels: Map<string, Migration>;
}

export function directoryOf(file: string): string {
  const normal = file.replace(/\\/g, '/');
  const i = normal.lastIndexOf('/');
  return i === -1 ? '.' : normal.slice(0, i);
}

/** The graphs of the Alembic revision files of a run, one per versions directory, in input order. */
export function revisionGraphs(migrations: readonly Migration[]): RevisionGraph[] {
  const graphs = new Map<string, RevisionGraph>();
  for (const m of migrations) {
    if (m.format !== 'alembic') continue;
    const directory = directoryOf(m.file);
    let g = graphs.get(directory);
    if (!g) graphs.set(directory, (g = { directory, migrations: [], byId: new Map(), labels: new Map() }));
    g.migrations.push(m);
    if (m.revision === undefined) continue;
    const list = g.byId.get(m.revision) ?? [];
    list.push(m);
    g.byId.set(m.revision, list);
    for (const label of m.revisionInfo?.branchLabels ?? []) g.labels.set(label, m);
  }
  return [...graphs.values()];
}

/**
 * The revision a reference names: an id, a branch label, or (as Alembic accepts for dependencies)
 * an unambiguous prefix of an id.
 */
export function resolve(g: RevisionGraph, ref: string, allowPrefix: boolean): Migration | undefined {
  const exact = g.byId.get(ref);
  if (exact) return exact[0];
  const labelled = g.labels.get(ref);
  if (labelled) return labelled;
  if (!allowPrefix || ref.length < 4) return undefined;
  const matches = [...g.byId.keys()].filter((id) => id.startsWith(ref));
  return matches.length === 1 ? g.byId.get(matches[0]!)![0] : undefined;
}

/** References (`down_revision`, `depends_on`) that name no revision of the directory. */
export function missingReferences(
  g: RevisionGraph,
): { migration: Migration; ref: string; kind: 'down_revision' | 'depends_on' }[] {
  const out: { migration: Migration; ref: string; kind: 'down_revision' | 'depends_on' }[] = [];
  for (const m of g.migrations) {
    for (const p of m.parents ?? [])
      if (!resolve(g, p, false)) out.push({ migration: m, ref: p, kind: 'down_revision' });
    for (const d of m.revisionInfo?.dependsOn ?? [])
      if (!resolve(g, d, true)) out.push({ migration: m, ref: d, kind: 'depends_on' });
  }
  return out;
}

/** Revision ids declared by more than one file. */
export function duplicateIds(g: RevisionGraph): [string, Migration[]][] {
  return [...g.byId.entries()].filter(([, list]) => list.length > 1);
}

function edges(g: RevisionGraph, m: Migration, withDependencies: boolean): Migration[] {
  const refs = [...(m.parents ?? []), ...(withDependencies ? (m.revisionInfo?.dependsOn ?? []) : [])];
  const out: Migration[] = [];
  for (const r of refs) {
    const target = resolve(g, r, withDependencies);
    if (target && target !== m && !out.includes(target)) out.push(target);
  }
  return out;
}

/**
 * Heads: revisions that no other revision names as its `down_revision` (`depends_on` does not
 * count, as in `alembic heads`). Each id once, in input order.
 */
export function heads(g: RevisionGraph): Migration[] {
  const referenced = new Set<Migration>();
  for (const m of g.migrations) for (const p of edges(g, m, false)) referenced.add(p);
  const seen = new Set<string>();
  return g.migrations.filter((m) => {
    if (m.revision === undefined || referenced.has(m) || seen.has(m.revision)) return false;
    // A duplicate id counts once: the revision Alembic would keep is the one any child points at.
    seen.add(m.revision);
    return g.byId.get(m.revision)![0] === m;
  });
}

/** Strongly connected groups of more than one revision (or a revision that is its own parent): cycles. */
export function cycles(g: RevisionGraph): Migration[][] {
  const nodes = g.migrations.filter((m) => m.revision !== undefined && g.byId.get(m.revision)![0] === m);
  const index = new Map<Migration, number>();
  const low = new Map<Migration, number>();
  const onStack = new Set<Migration>();
  const stack: Migration[] = [];
  const out: Migration[][] = [];
  let counter = 0;
  // Iterative Tarjan: revision chains can be thousands long.
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: Migration; next: number; succ: Migration[] }[] = [];
    const open = (n: Migration) => {
      index.set(n, counter);
      low.set(n, counter);
      counter++;
      stack.push(n);
      onStack.add(n);
      work.push({ node: n, next: 0, succ: edges(g, n, true) });
    };
    open(start);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.next < frame.succ.length) {
        const s = frame.succ[frame.next++]!;
        if (!index.has(s)) open(s);
        else if (onStack.has(s)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(s)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const group: Migration[] = [];
        let n: Migration;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          group.push(n);
        } while (n !== frame.node);
        const selfLoop = (frame.node.parents ?? []).includes(frame.node.revision!);
        if (group.length > 1 || selfLoop) out.push(group.reverse());
      }
    }
  }
  return out;
}

/**
 * The order Alembic runs the directory's revisions in: every revision after its parents and
 * dependencies; between independent branches, path order. Revisions that cannot be placed (on a
 * cycle, or without a revision id) come last, in path order.
 */
export function runOrder(g: RevisionGraph): Migration[] {
  const position = new Map(g.migrations.map((m, i) => [m, i]));
  const waiting = new Map<Migration, number>();
  const children = new Map<Migration, Migration[]>();
  for (const m of g.migrations) {
    const deps = m.revision === undefined ? [] : edges(g, m, true);
    waiting.set(m, deps.length);
    for (const d of deps) {
      const list = children.get(d) ?? [];
      list.push(m);
      children.set(d, list);
    }
  }
  const ready = g.migrations.filter((m) => waiting.get(m) === 0 && m.revision !== undefined);
  const out: Migration[] = [];
  const done = new Set<Migration>();
  while (ready.length) {
    // smallest path position first: a small heap is not worth it for the sizes seen in practice
    let best = 0;
    for (let i = 1; i < ready.length; i++) if (position.get(ready[i]!)! < position.get(ready[best]!)!) best = i;
    const m = ready.splice(best, 1)[0]!;
    out.push(m);
    done.add(m);
    for (const c of children.get(m) ?? []) {
      const left = waiting.get(c)! - 1;
      waiting.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  for (const m of g.migrations) if (!done.has(m)) out.push(m);
  return out;
}
