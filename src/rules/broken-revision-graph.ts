import type { Rule } from './types.js';
import type { Migration, SourceSpan } from '../ir/types.js';
import { cycles, duplicateIds, missingReferences, revisionGraphs } from '../analysis/revision-graph.js';

function baseName(file: string): string {
  return file.replace(/\\/g, '/').split('/').pop() ?? file;
}

function fileStart(m: Migration): SourceSpan {
  return { file: m.file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

export const brokenRevisionGraph: Rule = {
  meta: {
    id: 'broken-revision-graph',
    severity: 'error',
    summary:
      'An Alembic revision points at a revision that does not exist, shares its id with another, or is part of a cycle.',
    docs: {
      what:
        'Checks the revision graph of each Alembic versions directory: a `down_revision` (or `depends_on`) naming a revision that no ' +
        'file in the directory declares; two files declaring the same `revision` id; revisions whose `down_revision` chain loops back ' +
        'to themselves. Merge revisions (a tuple `down_revision`) and several bases are normal and not flagged.',
      why:
        'Alembic builds the whole graph before running anything: a missing parent or a cycle makes every `alembic` command fail ' +
        '("Revision … referenced from … is not present", "Cycle is detected in revisions"), so no migration can be deployed or ' +
        'rolled back. With a duplicate id one of the two files is silently ignored: its changes never run. These usually come from a ' +
        'deleted or renamed revision file, a bad merge or a copied revision whose id was not changed.',
      instead:
        'Point the revision at an existing parent (`alembic history` lists them), give a copied revision a new id ' +
        '(`alembic revision` generates one), or restore the deleted file:\n\n' +
        '```python\nrevision = "9e8d7c6b5a4f"\ndown_revision = "3f1a2b4c5d6e"  # an id that `alembic history` shows\n```',
    },
  },
  checkRun(context) {
    for (const g of revisionGraphs(context.migrations)) {
      for (const { migration, ref, kind } of missingReferences(g)) {
        const span = migration.revisionInfo?.parentsSpan ?? migration.revisionInfo?.span ?? fileStart(migration);
        context.report(
          span,
          `Revision ${migration.revision ?? baseName(migration.file)} has ${kind} ${ref}, but no revision in ${context.displayPath(g.directory)} has that id: Alembic cannot load the revision graph.`,
          {
            help: `Set ${kind} to an existing revision id (see \`alembic history\`), or restore the revision file that declared ${ref}.`,
            ...(migration.revision ? { revision: migration.revision } : {}),
          },
        );
      }
      for (const [id, files] of duplicateIds(g)) {
        const names = files.map((m) => baseName(m.file)).join(', ');
        for (const m of files) {
          context.report(
            m.revisionInfo?.span ?? fileStart(m),
            `Revision id ${id} is declared by ${files.length} files (${names}): Alembic keeps one and silently ignores the others.`,
            {
              help: 'Give the copied revision a new id (`alembic revision` generates one) and point its children at it.',
              revision: id,
              related: files
                .filter((other) => other !== m)
                .map((other) => ({
                  span: other.revisionInfo?.span ?? fileStart(other),
                  message: `${id} declared again`,
                })),
            },
          );
        }
      }
      for (const group of cycles(g)) {
        const cycle = [...group].sort((a, b) => g.migrations.indexOf(a) - g.migrations.indexOf(b));
        const ids = cycle.map((m) => m.revision!).join(', ');
        for (const m of cycle) {
          context.report(
            m.revisionInfo?.parentsSpan ?? m.revisionInfo?.span ?? fileStart(m),
            `Revision ${m.revision} is on a cycle of down_revision/depends_on references (revisions ${ids}): Alembic refuses to load the revision graph.`,
            {
              help: 'Each revision must come after its parents: fix the down_revision that points forward in history.',
              revision: m.revision!,
            },
          );
        }
      }
    }
  },
};
