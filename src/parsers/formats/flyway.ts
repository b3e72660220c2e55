import type { FormatParser } from '../types.js';
import { baseName, dirName, pairDowngradeFiles, sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    flyway: true;
  }
}

// V1__init.sql, V2_1__add.sql, U2__undo.sql (undo = downgrade), R__views.sql (repeatable)
const NAME = /^([VUR])([0-9][0-9._]*)?__.+\.sql$/;

/**
 * Flyway: each migration runs in a transaction on Postgres; a migration made only of statements
 * that cannot run in one (CREATE INDEX CONCURRENTLY…) is run outside it.
 */
export const flyway: FormatParser = {
  format: 'flyway',
  declaredBy: { files: ['flyway.conf', 'flyway.toml'] },
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex:
      "With Flyway: make it the only statement of its migration (Flyway runs such a migration outside a transaction), or turn the transaction off with `executeInTransaction=false` in the script's .conf file",
    sqliteRebuild:
      'With Flyway, recreate the table by hand: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ALTER TABLE … RENAME TO the old name',
  },
  transactionFacts: {
    wrapped: {
      reason:
        'Flyway runs a migration in a transaction unless every statement in it is one that cannot run in a transaction (such as … CONCURRENTLY)',
      fix: 'move the statement to a migration of its own (Flyway runs a migration made only of such statements outside a transaction)',
    },
  },
  detect: (file) => (NAME.test(baseName(file.path)) ? 8 : 0),
  parse(file) {
    // A forced --framework flyway on a file not named like V1__x.sql: a versioned upgrade.
    const m = NAME.exec(baseName(file.path)) ?? ['', 'V', undefined];
    const direction = m[1] === 'U' ? 'downgrade' : 'upgrade';
    const migration = sqlMigration(file.path, file.text, 'flyway', 'wrapped', [
      { start: 0, end: file.text.length, direction },
    ]);
    const nonTx = (op: (typeof migration.ops)[number]) =>
      (op.kind === 'create-index' || op.kind === 'drop-index' || op.kind === 'reindex') && op.concurrently;
    const substantive = migration.ops.filter((op) => op.kind !== 'set-setting');
    if (substantive.length > 0 && substantive.every(nonTx)) {
      migration.transaction = 'none';
      for (const op of migration.ops) op.inTransaction = false;
    }
    if (m[2]) migration.revision = m[2].replace(/_/g, '.');
    if (m[1] !== 'R') migration.fileDirection = direction;
    return [migration];
  },
  // Flyway applies the repeatable migrations (R__) after all versioned ones.
  arrangeRun: (migrations) => {
    // An empty `U<version>__` undo file beside `V<version>__`: `flyway undo` runs nothing and marks the version undone.
    pairDowngradeFiles(migrations, (m) => (m.revision === undefined ? undefined : `${dirName(m.file)}${m.revision}`));
    const repeatable = (m: (typeof migrations)[number]) => baseName(m.file).startsWith('R__');
    return [...migrations.filter((m) => !repeatable(m)), ...migrations.filter(repeatable)];
  },
};
