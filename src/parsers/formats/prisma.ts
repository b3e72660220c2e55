import type { FormatParser } from '../types.js';
import { baseName, sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    prisma: true;
  }
}

/**
 * Prisma Migrate: `prisma/migrations/<timestamp>_<name>/migration.sql`, sent as one multi-statement
 * query: Postgres runs it as one implicit transaction.
 */
export const prisma: FormatParser = {
  format: 'prisma',
  declaredBy: { packages: ['prisma', '@prisma/client'], files: ['schema.prisma'] },
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex:
      'With Prisma Migrate: make it the only statement of its migration.sql (prisma migrate dev --create-only, then edit the SQL): Prisma sends the file as one query',
    sqliteRebuild:
      "With Prisma Migrate, recreate the table by hand: CREATE TABLE with the new definition, INSERT INTO it SELECT … FROM the old table, DROP the old table, ALTER TABLE … RENAME TO the old name (Prisma's own SQLite migrations do this)",
  },
  transactionFacts: {
    implicit: {
      reason:
        'Prisma Migrate sends the whole file as one multi-statement query, which Postgres runs as one implicit transaction',
      fix: 'make it the only statement of its migration file (a SET before it counts as a statement too)',
    },
  },
  detect: (file) => {
    if (baseName(file.path) !== 'migration.sql') return 0;
    return /(^|\/)\d{14}_[^/]+\/migration\.sql$/.test(file.path.replace(/\\/g, '/')) ? 9 : 6;
  },
  parse(file) {
    const parts = file.path.replace(/\\/g, '/').split('/');
    const migration = sqlMigration(file.path, file.text, 'prisma', 'implicit');
    const dir = parts[parts.length - 2];
    if (dir) migration.revision = dir;
    // Each migration has a directory of its own: the set is the `migrations` directory above it.
    migration.migrationSet = `prisma:${parts.slice(0, -2).join('/') || '.'}`;
    return [migration];
  },
};
