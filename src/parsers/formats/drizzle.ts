import type { FormatParser } from '../types.js';
import { sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    drizzle: true;
  }
}

/**
 * Whether drizzle-kit's `meta/_journal.json` is beside a migration. Set by the platform: the CLI looks on
 * disk (parsers/node-platform.ts), the playground among its files; without one, no journal.
 */
let journalBeside: (path: string) => boolean = () => false;
/** Sets the probe; returns the one it replaces (a run that sets its own can put it back). */
export function setDrizzleJournalProbe(probe: (path: string) => boolean): (path: string) => boolean {
  const previous = journalBeside;
  journalBeside = probe;
  return previous;
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
  detect: (file) => (file.text.includes('--> statement-breakpoint') || journalBeside(file.path) ? 9.5 : 0),
  parse: (file) => [sqlMigration(file.path, file.text, 'drizzle', 'wrapped')],
};
