import type { FindingKind } from './types.js';

/**
 * Emitted by the suppression step of the pipeline (src/suppressions), not by visiting ops: listed as a
 * rule so it is documented, explainable and configurable like the others.
 */
export const unusedSuppression: FindingKind = {
  meta: {
    id: 'unused-suppression',
    severity: 'warning',
    summary:
      'A suppression comment silences nothing: the rule it names does not fire on that statement, or it names no known rule.',
    docs: {
      what:
        'Flags a `migration-lint-disable-next-line`, `migration-lint-disable-file` or `# migration-lint: disable=` comment that names a rule which reports nothing ' +
        'on the statement the comment covers (or anywhere in the file, for the file-level form), a rule id migration-lint does not have, or no rule at all. ' +
        "Squawk's `squawk-ignore` comments are honoured but never reported, since they may name Squawk rules migration-lint does not have. " +
        'Rules turned off in the configuration are not reported either: whether they would fire is unknown.',
      why:
        'A stale suppression is a hidden hazard: once the statement is edited or moved, the comment can silence a real finding on a statement ' +
        'nobody reviewed. A misspelt rule id silences nothing, so the finding its author meant to accept still fails the build — or was never there.',
      instead:
        'Delete the comment, or put it directly above the statement it is meant for, naming the rule id exactly as `migration-lint rules` prints it:\n\n' +
        '```sql\n-- migration-lint-disable-next-line require-concurrent-index-creation -- countries has 250 rows\nCREATE INDEX countries_code_idx ON countries (code);\n```',
    },
  },
};
