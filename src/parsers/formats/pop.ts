import type { FormatParser } from '../types.js';
import { baseName, dirName, pairDowngradeFiles, sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    pop: true;
  }
}

/**
 * gobuffalo/pop's SQL migrations: `<version>_<name>[.<dialect>].up.sql` / `.down.sql` (the dialect
 * part, `.postgres.`, `.mysql.`, `.sqlite3.`, `.cockroach.`, runs the file on that database only).
 */
const NAME = /^(\d+)_[^.]+(?:\.([A-Za-z0-9]+))?\.(up|down)\.sql$/i;

/** A Go text/template action pop renders before it runs the file (`{{ index .Options "Namespace" }}`, `{{ .Field }}`). */
const GO_TEMPLATE_ACTION = /\{\{-?\s*(?:index\s+)?[.$][A-Za-z_]/;

/**
 * gobuffalo/pop (Supabase Auth, Buffalo apps): each `.sql` migration is rendered as a Go
 * text/template and sent as one query inside a transaction pop opens for that migration (its
 * Migrator runs every migration in `Connection.Transaction`); a file cannot opt out.
 *
 * Its file names are golang-migrate's too: a file is taken for pop when its name has pop's dialect
 * part or its text a Go template action — otherwise the two cannot be told apart by the file.
 */
export const pop: FormatParser = {
  format: 'pop',
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex:
      'pop runs every migration in a transaction and has no way to leave it: build the index CONCURRENTLY outside pop (a step of the deploy of its own)',
    sqliteRebuild:
      'With pop, recreate the table by hand: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ALTER TABLE … RENAME TO the old name',
  },
  transactionFacts: {
    wrapped: {
      reason: 'pop runs each migration file in a transaction, with no way for a file to leave it',
      fix: 'run the statement outside pop, in a step of the deploy of its own',
    },
  },
  // Above golang-migrate's name-only guess, on pop's own marks.
  detect(file) {
    const m = NAME.exec(baseName(file.path));
    if (!m) return 0;
    return m[2] !== undefined || GO_TEMPLATE_ACTION.test(file.text) ? 9 : 0;
  },
  parse(file) {
    // A forced --framework pop on a file not named <version>_<name>.up.sql: an upgrade, no version.
    const m = NAME.exec(baseName(file.path));
    const direction = m?.[3]?.toLowerCase() === 'down' ? 'downgrade' : 'upgrade';
    const migration = sqlMigration(file.path, file.text, 'pop', 'wrapped', [
      { start: 0, end: file.text.length, direction, oneQuery: true },
    ]);
    if (m?.[1]) migration.revision = m[1];
    migration.fileDirection = direction;
    return [migration];
  },
  // An empty `.down.sql` beside the `.up.sql`: `pop migrate down` runs nothing and records the version as undone.
  arrangeRun(migrations) {
    pairDowngradeFiles(migrations, (m) =>
      m.revision === undefined ? undefined : `${dirName(m.file)}${m.revision.replace(/^0+(?=\d)/, '')}`,
    );
    return migrations;
  },
};
