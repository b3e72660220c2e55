import type { FormatParser } from '../types.js';
import { baseName, sqlMigration } from './sql-common.js';

/**
 * Prisma Migrate: `prisma/migrations/<timestamp>_<name>/migration.sql`, sent as one multi-statement
 * query: Postgres runs it as one implicit transaction.
 */
export const prisma: FormatParser = {
  format: 'prisma',
  extensions: ['.sql'],
  transactionFacts: {
    implicit: {
      reason: 'Prisma Migrate sends the whole file as one multi-statement query, which Postgres runs as one implicit transaction',
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
    return migration;
  },
};
