import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FormatParser } from '../types.js';
import { sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    drizzle: true;
  }
}

const journalDirs = new Map<string, boolean>();
/** drizzle-kit keeps `meta/_journal.json` beside its migrations (one check per directory). */
function besideJournal(path: string): boolean {
  const dir = dirname(path);
  let found = journalDirs.get(dir);
  if (found === undefined) journalDirs.set(dir, (found = existsSync(join(dir, 'meta', '_journal.json'))));
  return found;
}

/**
 * drizzle-kit output: statements separated by `--> statement-breakpoint` (a one-statement migration
 * has none: the journal beside it tells); drizzle's migrator runs all pending migrations in one
 * transaction.
 */
export const drizzle: FormatParser = {
  format: 'drizzle',
  declaredBy: { packages: ['drizzle-kit'], files: ['drizzle.config.ts', 'drizzle.config.js'] },
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex:
      'With drizzle: its migrator runs every migration in one transaction, so run that statement outside it (for example with psql before or after drizzle-kit migrate)',
    sqliteRebuild:
      'With drizzle, recreate the table by hand: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ALTER TABLE … RENAME TO the old name (drizzle-kit generates this for SQLite)',
  },
  transactionFacts: {
    wrapped: {
      reason: "drizzle's migrator runs all pending migrations in one transaction",
      fix: "run the statement outside drizzle's migrator (drizzle migrations cannot opt out of the transaction)",
    },
  },
  // 9.5: above a Prisma-shaped path (9), below the section markers of dbmate and others (10)
  detect: (file) => (file.text.includes('--> statement-breakpoint') || besideJournal(file.path) ? 9.5 : 0),
  parse: (file) => [sqlMigration(file.path, file.text, 'drizzle', 'wrapped')],
};
