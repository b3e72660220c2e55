import type { FormatParser } from '../types.js';
import { baseName, dirName, pairDowngradeFiles, sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    pop: true;
  }
}

/**
 * pop's SQL migrations: `<version>_<name>[.<dialect>][.autocommit].up.sql` / `.down.sql`. The dialect
 * part (`.postgres.`, `.mysql.`, `.sqlite3.`, `.cockroach.`) runs the file on that database only;
 * `.autocommit.` (Ory's popx, Kratos and Hydra) runs it outside a transaction, and in the dialect's
 * place it means a file for every database (popx reads it so).
 */
const NAME = /^(\d+)_[^.]+(?:\.([a-z0-9]+))?(\.autocommit)?\.(up|down)\.sql$/i;

/** A Go text/template action pop renders before it runs the file (`{{ index .Options "Namespace" }}`, `{{ .Field }}`). */
const GO_TEMPLATE_ACTION = /\{\{-?\s*(?:index\s+)?[.$][A-Za-z_]/;

/**
 * Whether a migration's directory holds pop's own files (a name with a dialect or `.autocommit.`
 * part, a `.fizz` migration): a file named like golang-migrate's beside them is pop's too. Set by the
 * platform: the CLI looks on disk (parsers/node-platform.ts), the in-memory API among its files.
 */
let popDirectory: (path: string) => boolean = () => false;
/** Sets the probe; returns the one it replaces. */
export function setPopDirectoryProbe(probe: (path: string) => boolean): (path: string) => boolean {
  const previous = popDirectory;
  popDirectory = probe;
  return previous;
}

/** A file name only pop gives its migrations: a dialect or `.autocommit.` part, or a Fizz migration. */
export function popOwnFileName(name: string): boolean {
  const m = NAME.exec(name);
  return (
    (m !== null && (m[2] !== undefined || m[3] !== undefined)) ||
    /^\d+_[^.]+(?:\.[a-z0-9]+)*\.(?:up|down)\.fizz$/i.test(name)
  );
}

/** The parts of a pop file name: its version, direction and whether it runs outside a transaction. */
function nameParts(path: string): { version?: string; direction: 'upgrade' | 'downgrade'; autocommit: boolean } {
  const m = NAME.exec(baseName(path));
  // A forced --framework pop on a file not named <version>_<name>.up.sql: an upgrade, no version.
  if (!m) return { direction: 'upgrade', autocommit: false };
  return {
    version: m[1],
    direction: m[4]?.toLowerCase() === 'down' ? 'downgrade' : 'upgrade',
    autocommit: m[3] !== undefined || m[2]?.toLowerCase() === 'autocommit',
  };
}

/**
 * gobuffalo/pop (Supabase Auth, Buffalo apps) and Ory's fork popx (Kratos, Hydra, Keto): each `.sql`
 * migration is rendered as a Go text/template and sent as one query inside a transaction opened for
 * that migration (pop's Migrator runs every migration in `Connection.Transaction`; popx in an isolated
 * transaction unless the file is named `.autocommit.`, which it sends as one query outside any).
 *
 * Its file names are golang-migrate's too: a file is taken for pop when its name has pop's dialect or
 * autocommit part, its directory holds such files, or its text a Go template action.
 */
export const pop: FormatParser = {
  format: 'pop',
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex:
      'gobuffalo/pop runs every migration in a transaction and has no way to leave it (build the index in a step of the deploy of its own); with Ory’s popx, put the statement alone in a file named <version>_<name>.autocommit.up.sql',
    sqliteRebuild:
      'With pop, recreate the table by hand: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ALTER TABLE … RENAME TO the old name',
  },
  transactionFacts: {
    wrapped: {
      reason:
        'pop runs each migration file in a transaction (Ory’s popx too, unless the file is named <version>_<name>.autocommit.up.sql)',
      fix: 'with Ory’s popx, put the statement alone in a file named <version>_<name>.autocommit.up.sql; gobuffalo/pop has no way out: run it in a step of the deploy of its own',
    },
    implicit: {
      reason:
        'popx sends an .autocommit. migration as one multi-statement query, which Postgres runs as one implicit transaction',
      fix: 'make it the only statement of its .autocommit. file',
    },
  },
  // Above golang-migrate's name-only guess, on pop's own marks.
  detect(file) {
    const name = baseName(file.path);
    if (!NAME.test(name)) return 0;
    return popOwnFileName(name) || GO_TEMPLATE_ACTION.test(file.text) || popDirectory(file.path) ? 9 : 0;
  },
  parse(file) {
    const { version, direction, autocommit } = nameParts(file.path);
    const migration = sqlMigration(file.path, file.text, 'pop', autocommit ? 'implicit' : 'wrapped', [
      { start: 0, end: file.text.length, direction, oneQuery: true },
    ]);
    if (version) migration.revision = version;
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
