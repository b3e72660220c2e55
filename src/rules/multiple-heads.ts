import type { Rule } from './types.js';
import type { Migration, SourceSpan } from '../ir/types.js';
import {
  cycles,
  duplicateIds,
  heads,
  missingReferences,
  type RevisionGraph,
  resolve,
  revisionGraphs,
} from '../analysis/revision-graph.js';

function baseName(file: string): string {
  return file.replace(/\\/g, '/').split('/').pop() ?? file;
}

/** Branch labels on a revision and all its ancestors. */
function labelsOf(g: RevisionGraph, head: Migration): Set<string> {
  const labels = new Set<string>();
  const seen = new Set<Migration>();
  const todo = [head];
  while (todo.length) {
    const m = todo.pop()!;
    if (seen.has(m)) continue;
    seen.add(m);
    for (const l of m.revisionInfo?.branchLabels ?? []) labels.add(l);
    for (const p of m.parents ?? []) {
      const parent = resolve(g, p, false);
      if (parent) todo.push(parent);
    }
  }
  return labels;
}

/** Heads on separately labelled branches (`branch_labels`) are a deliberate multi-branch layout. */
function deliberateBranches(g: RevisionGraph, hs: Migration[]): boolean {
  const sets = hs.map((h) => labelsOf(g, h));
  if (sets.some((s) => s.size === 0)) return false;
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) for (const l of sets[i]!) if (sets[j]!.has(l)) return false;
  }
  return true;
}

/** Where a head declares its id (the file's start when it does not). */
const headSpan = (h: Migration): SourceSpan =>
  h.revisionInfo?.span ?? { file: h.file, line: 1, column: 1, endLine: 1, endColumn: 1 };

export const multipleHeads: Rule = {
  meta: {
    id: 'multiple-heads',
    severity: 'error',
    summary: 'The Alembic versions directory has more than one head revision.',
    docs: {
      what:
        'Flags an Alembic versions directory whose revision graph has more than one head: a revision that no other revision names as its ' +
        '`down_revision`. It happens when two branches each add a revision on top of the same parent and both are merged. Each head is ' +
        "reported on its own file, with the ids of all heads. Heads on separately labelled branches (`branch_labels`, each head's " +
        'history carrying a different label) are a deliberate layout and are not flagged.',
      why:
        'With several heads, `alembic upgrade head` stops with "Multiple head revisions are present" and the deploy fails; ' +
        '`alembic revision` refuses to create the next revision too. Running `alembic upgrade heads` instead applies both ' +
        'branches in an order nobody reviewed: two branches that touch the same table can conflict.',
      instead:
        'Check that the branches do not conflict, then add a merge revision that joins the heads (it usually has empty ' +
        '`upgrade()` and `downgrade()`):\n\n' +
        '```sh\nalembic heads\nalembic merge -m "merge heads" 3f1a2b4c5d6e 9e8d7c6b5a4f\n```\n\n' +
        "Or rebase one branch: set its first revision's `down_revision` to the other head.",
    },
  },
  checkRun(context) {
    for (const g of revisionGraphs(context.migrations)) {
      // In a broken graph (broken-revision-graph) heads mean nothing yet: a missing parent makes a false root.
      if (missingReferences(g).length || duplicateIds(g).length || cycles(g).length) continue;
      const hs = heads(g);
      if (hs.length < 2 || deliberateBranches(g, hs)) continue;
      const ids = hs.map((h) => h.revision!);
      const listing = hs.map((h) => `${h.revision} (${baseName(h.file)})`).join(', ');
      for (const h of hs) {
        context.report(
          headSpan(h),
          `Revision ${h.revision} is one of ${hs.length} heads in ${context.displayPath(g.directory)}: ${listing}. \`alembic upgrade head\` fails until they are merged.`,
          {
            help: `alembic merge -m "merge heads" ${ids.join(' ')}`,
            revision: h.revision!,
            related: hs
              .filter((other) => other !== h)
              .map((other) => ({ span: headSpan(other), message: `head ${other.revision!}` })),
          },
        );
      }
    }
  },
};
