import type { FormatParser } from '../types.js';
import { baseName, byteOrderMark, dirName, pairDowngradeFiles, sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    sqlx: true;
  }
}

// sqlx's migration source: `<VERSION>_<DESCRIPTION>.sql`, reversible as `.up.sql` / `.down.sql`.
const NAME = /^(\d+)_.*?(?:\.(up|down))?\.sql$/i;

/** sqlx opts a file out of its transaction only when the file's very first bytes are this comment. */
const NO_TRANSACTION = '-- no-transaction';

/**
 * Whether a `Cargo.toml` declares `crate` as a dependency (`sqlx = …`, `sqlx.workspace = true`,
 * `[dependencies.sqlx]`); a crate merely named like it (`sqlx-core`) does not count.
 */
export function cargoDeclares(cargoToml: string, crate: string): boolean {
  return new RegExp(
    `^[ \\t]*(?:["']?${crate}["']?[ \\t]*[=.]|\\[(?:[\\w-]+\\.)*dependencies\\.${crate}[ \\t]*\\])`,
    'm',
  ).test(cargoToml);
}

/** Whether a `Cargo.toml` declares sqlx as a dependency. */
export function cargoNamesSqlx(cargoToml: string): boolean {
  return cargoDeclares(cargoToml, 'sqlx');
}

/**
 * Whether a `Cargo.toml` naming sqlx is in a migration's directory or one above it. Set by the
 * platform: the CLI looks on disk (parsers/node-platform.ts), the playground among its files.
 * Without one, no Rust project: a numbered `.sql` file stays plain SQL (or golang-migrate).
 */
let sqlxProjectAbove: (path: string) => boolean = () => false;
/** Sets the probe; returns the one it replaces (a run that sets its own can put it back). */
export function setSqlxProjectProbe(probe: (path: string) => boolean): (path: string) => boolean {
  const previous = sqlxProjectAbove;
  sqlxProjectAbove = probe;
  return previous;
}

/**
 * sqlx (sqlx-cli, `sqlx::migrate!`): on Postgres each migration file runs in a transaction of its own,
 * unless the file starts with `-- no-transaction`; then sqlx sends it as one multi-statement simple
 * query, which Postgres runs as one implicit transaction.
 */
export const sqlx: FormatParser = {
  format: 'sqlx',
  declaredBy: { crates: ['sqlx'] },
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex:
      'With sqlx: make it the only statement of a migration file whose first line is `-- no-transaction` (sqlx then runs the file outside its transaction)',
    sqliteRebuild:
      'With sqlx, recreate the table by hand: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ALTER TABLE … RENAME TO the old name',
  },
  transactionFacts: {
    wrapped: {
      reason: 'sqlx runs each migration file in a transaction unless its first line is `-- no-transaction`',
      fix: 'put the statement in a migration file of its own whose first line is `-- no-transaction`',
    },
    implicit: {
      reason:
        'sqlx (with `-- no-transaction`) sends the whole file as one multi-statement query, which Postgres runs as one implicit transaction',
      fix: 'make it the only statement of its migration file (a SET before it counts as a statement too)',
    },
  },
  // Above golang-migrate (same `.up.sql` names) and plain SQL, below dbmate's explicit markers.
  detect: (file) => (NAME.test(baseName(file.path)) && sqlxProjectAbove(file.path) ? 9 : 0),
  parse(file) {
    // A forced --framework sqlx on a file not named <VERSION>_<DESCRIPTION>.sql: an upgrade, no version.
    const m = NAME.exec(baseName(file.path));
    const direction = m?.[2]?.toLowerCase() === 'down' ? 'downgrade' : 'upgrade';
    // sqlx checks the file's first bytes: after a byte order mark the comment is not first.
    const transaction = !file.bom && file.text.startsWith(NO_TRANSACTION) ? 'implicit' : 'wrapped';
    // sqlx sends the file as one query even inside its transaction: after a COMMIT in the file, the
    // rest of that query runs in an implicit transaction (checked on Postgres: CONCURRENTLY is refused).
    const migration = sqlMigration(file.path, file.text, 'sqlx', transaction, [
      { start: 0, end: file.text.length, direction, oneQuery: true },
    ]);
    if (m?.[1]) migration.revision = m[1];
    migration.fileDirection = direction;
    const bom = byteOrderMark(file, 'sqlx');
    if (bom) migration.diagnostics.push(bom);
    return [migration];
  },
  // An empty `.down.sql` beside the `.up.sql`: `sqlx migrate revert` runs nothing and records the version as reverted.
  arrangeRun(migrations) {
    // The version is an i64: compared as digits (a Number would round versions past 2^53).
    pairDowngradeFiles(migrations, (m) =>
      m.revision === undefined ? undefined : `${dirName(m.file)}${m.revision.replace(/^0+(?=\d)/, '')}`,
    );
    return migrations;
  },
};
