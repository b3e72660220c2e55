import type { FormatParser } from '../types.js';
import { type SqlSection, sectionDowngrade, sqlMigration, textSpan } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    dbmate: true;
  }
}

const MARKER = /^--\s*migrate:(up|down)\b(.*)$/gm;

/**
 * dbmate: `-- migrate:up` / `-- migrate:down` sections, each in a transaction unless `transaction:false`.
 * dbmate sends a section as one Exec; without its transaction that is a multi-statement simple query,
 * which Postgres runs as one implicit transaction (CONCURRENTLY only works as the section's only statement).
 */
export const dbmate: FormatParser = {
  format: 'dbmate',
  declaredBy: { packages: ['dbmate'] },
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex:
      'With dbmate: make it the only statement of a migration whose sections are marked `-- migrate:up transaction:false` (and `-- migrate:down transaction:false`)',
    sqliteRebuild:
      'With dbmate, recreate the table by hand: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ALTER TABLE … RENAME TO the old name',
  },
  transactionFacts: {
    wrapped: {
      reason: 'dbmate runs each migration section in a transaction unless its marker says transaction:false',
      fix: 'put the statement in its own migration whose marker reads `-- migrate:up transaction:false`',
    },
    implicit: {
      reason:
        'dbmate (with transaction:false) sends the whole section as one multi-statement query, which Postgres runs as one implicit transaction',
      fix: 'make it the only statement of its migration section (a SET before it counts as a statement too)',
    },
  },
  detect: (file) => (/^--\s*migrate:up\b/m.test(file.text) ? 10 : 0),
  parse(file) {
    const markers = [...file.text.matchAll(MARKER)];
    const sections: SqlSection[] = markers.map((m, i) => ({
      start: m.index + m[0].length,
      end: i + 1 < markers.length ? markers[i + 1]!.index : file.text.length,
      direction: m[1] === 'down' ? 'downgrade' : 'upgrade',
      transaction: /transaction:\s*false/.test(m[2] ?? '') ? 'implicit' : 'wrapped',
      // dbmate Execs the whole section, in its transaction or not
      oneQuery: true,
    }));
    const migration = sqlMigration(file.path, file.text, 'dbmate', 'wrapped', sections);
    // `dbmate rollback` runs the down section, and runs nothing when there is none: either way it
    // then records the migration as rolled back. Files without markers are not dbmate's to judge.
    const down = markers.find((m) => m[1] === 'down');
    const marker = down ?? markers[0];
    if (marker) {
      migration.downgrade = sectionDowngrade(
        migration,
        textSpan(file.path, file.text, marker.index, marker.index + marker[0].length),
      );
      if (!down) migration.downgrade.note = 'there is no `-- migrate:down` section';
    }
    return [migration];
  },
};
