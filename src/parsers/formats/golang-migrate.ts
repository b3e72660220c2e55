import type { FormatParser } from '../types.js';
import { baseName, byteOrderMark, dirName, pairDowngradeFiles, sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    'golang-migrate': true;
  }
}

const NAME = /^(\d+)_.*\.(up|down)\.sql$/i;

/**
 * golang-migrate: `<version>_<name>.up.sql` / `.down.sql`. The postgres driver sends the file as one
 * multi-statement query, which Postgres runs as one implicit transaction.
 */
export const golangMigrate: FormatParser = {
  format: 'golang-migrate',
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex:
      'With golang-migrate: make it the only statement of its .up.sql file (golang-migrate sends a file as one query, which runs as one transaction when it holds several statements)',
    sqliteRebuild:
      'With golang-migrate, recreate the table by hand: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ALTER TABLE … RENAME TO the old name',
  },
  transactionFacts: {
    implicit: {
      reason:
        'golang-migrate sends the whole file as one multi-statement query, which Postgres runs as one implicit transaction',
      fix: 'make it the only statement of its migration file, or enable x-multi-statement in the database URL so statements are sent one at a time',
    },
  },
  detect: (file) => (NAME.test(baseName(file.path)) ? 8 : 0),
  parse(file) {
    // A forced --framework golang-migrate on a file not named NNN_x.up.sql: an upgrade, no version.
    const m = NAME.exec(baseName(file.path)) ?? ['', undefined, 'up'];
    const direction = m[2].toLowerCase() === 'down' ? 'downgrade' : 'upgrade';
    const migration = sqlMigration(file.path, file.text, 'golang-migrate', 'implicit', [
      { start: 0, end: file.text.length, direction },
    ]);
    if (m[1]) migration.revision = m[1];
    migration.fileDirection = direction;
    const bom = byteOrderMark(file, 'golang-migrate');
    if (bom) migration.diagnostics.push(bom);
    return [migration];
  },
  // An empty `.down.sql` beside the `.up.sql`: `migrate down` runs nothing and records the version as undone.
  arrangeRun(migrations) {
    pairDowngradeFiles(migrations, (m) =>
      m.revision === undefined ? undefined : `${dirName(m.file)}${Number(m.revision)}`,
    );
    return migrations;
  },
};
