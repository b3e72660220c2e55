import type { FormatParser } from '../types.js';
import { engineOf } from '../database-names.js';
import { baseName, byteOrderMark, dirName, pairDowngradeFiles, sqlMigration } from './sql-common.js';

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
 * The names of the files beside a migration (its directory's listing), for what pop decides from its
 * neighbours: a file named like golang-migrate's among pop's own files is pop's, and a version kept
 * for several databases has one file per database. Set by the platform: the CLI looks on disk
 * (parsers/node-platform.ts), the in-memory API among its files; empty when unknown.
 */
let filesBeside: (path: string) => readonly string[] = () => [];
/** Sets the probe; returns the one it replaces. */
export function setPopDirectoryProbe(probe: (path: string) => readonly string[]): (path: string) => readonly string[] {
  const previous = filesBeside;
  filesBeside = probe;
  return previous;
}

/**
 * The files beside a pop migration that its IR depends on (the same version for other databases): part
 * of the parse cache's key, so that adding or removing one is not served a stale migration.
 */
export function popNeighbours(path: string): readonly string[] {
  const version = NAME.exec(baseName(path))?.[1];
  return version === undefined ? [] : (directoryIndex(filesBeside(path)).byVersion.get(version) ?? []);
}

/** What a directory's listing tells pop, worked out once per listing (a directory of thousands of migrations). */
interface DirectoryIndex {
  /** The listing holds files only pop names so. */
  own: boolean;
  /** Its pop-named files by version. */
  byVersion: Map<string, string[]>;
}
const indexes = new WeakMap<readonly string[], DirectoryIndex>();
function directoryIndex(names: readonly string[]): DirectoryIndex {
  let index = indexes.get(names);
  if (!index) {
    index = { own: names.some(popOwnFileName), byVersion: new Map() };
    for (const n of names) {
      const version = NAME.exec(n)?.[1];
      if (version === undefined) continue;
      const list = index.byVersion.get(version);
      if (list) list.push(n);
      else index.byVersion.set(version, [n]);
    }
    indexes.set(names, index);
  }
  return index;
}

/**
 * A file name only pop gives its migrations: a database's name or `.autocommit.` as a part of it, or a
 * Fizz migration (`0003_init.v2.up.sql`, a golang-migrate name with a dot, is not one).
 */
export function popOwnFileName(name: string): boolean {
  const m = NAME.exec(name);
  const part = m?.[2];
  return (
    (m !== null &&
      (m[3] !== undefined ||
        (part !== undefined && (part.toLowerCase() === 'autocommit' || engineOf(part) !== undefined)))) ||
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
    return popOwnFileName(name) || GO_TEMPLATE_ACTION.test(file.text) || directoryIndex(filesBeside(file.path)).own
      ? 9
      : 0;
  },
  // pop runs, for each version, the file made for the database it runs on rather than the generic one
  // (popx ranks them; a ….postgres.up.sql takes the place of the ….up.sql on Postgres).
  notRunOn(file, dialect) {
    const m = NAME.exec(baseName(file.path));
    if (!m || (m[2] !== undefined && m[2].toLowerCase() !== 'autocommit')) return undefined;
    const own = popNeighbours(file.path).find((n) => {
      const other = NAME.exec(n);
      return (
        other?.[4]?.toLowerCase() === m[4]?.toLowerCase() && other?.[2] !== undefined && engineOf(other[2]) === dialect
      );
    });
    return own ? `pop runs ${own} instead on this database (the file of this version made for it)` : undefined;
  },
  parse(file) {
    const { version, direction, autocommit } = nameParts(file.path);
    const migration = sqlMigration(file.path, file.text, 'pop', autocommit ? 'implicit' : 'wrapped', [
      { start: 0, end: file.text.length, direction, oneQuery: true },
    ]);
    if (version) migration.revision = version;
    migration.fileDirection = direction;
    const bom = byteOrderMark(file, 'pop');
    if (bom) migration.diagnostics.push(bom);
    // A version kept for several databases (Kratos's empty `….postgres.up.sql` beside a `….mysql.up.sql`
    // that does the work, Hydra's generic `….up.sql` holding only "-- this migration is only for
    // cockroach"): this file may do nothing on purpose.
    const part = NAME.exec(baseName(file.path))?.[2]?.toLowerCase();
    const dialect = part === 'autocommit' ? undefined : part;
    if (version)
      migration.otherDatabaseCode = popNeighbours(file.path).some((n) => {
        const other = NAME.exec(n)?.[2]?.toLowerCase();
        return other !== undefined && other !== dialect && other !== 'autocommit';
      });
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
