import type { FindingKind } from './types.js';

/** Emitted by the suppression step of the pipeline (src/suppressions); see unused-suppression. */
export const suppressionMissingReason: FindingKind = {
  meta: {
    id: 'suppression-missing-reason',
    severity: 'warning',
    summary: 'A suppression comment gives no reason after " -- ".',
    docs: {
      what:
        'Flags a migration-lint suppression comment with no ` -- reason` after its rule list. The suppression still applies; this finding asks for the why. ' +
        "Squawk's `squawk-ignore` comments have no reason syntax and are not flagged.",
      why:
        'A suppression accepts a known hazard (a lock, a rewrite, data loss). The reviewer of the next change to the file needs to know why it was ' +
        'safe then — "the table has 12 rows", "runs in the maintenance window" — to tell whether it still is.',
      instead:
        'State the reason after ` -- `:\n\n' +
        '```sql\n-- migration-lint-disable-next-line ban-drop-column -- column unused since release 4.2 (PR #812)\nALTER TABLE users DROP COLUMN legacy_name;\n```',
    },
  },
};
