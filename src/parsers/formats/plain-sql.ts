import type { FormatParser } from '../types.js';
import { sqlMigration } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    sql: true;
  }
}

/** Hand-written SQL: runs as written; only explicit BEGIN/COMMIT count unless --assume-in-transaction. */
export const plainSql: FormatParser = {
  format: 'sql',
  extensions: ['.sql'],
  transactionFacts: {
    wrapped: {
      reason: '--assume-in-transaction says the migration tool runs each file in a transaction',
      fix: 'run the statement in a migration your tool executes outside a transaction',
    },
  },
  detect: () => 1,
  parse: (file, options) => [
    sqlMigration(file.path, file.text, 'sql', options.assumeInTransaction ? 'wrapped' : 'none'),
  ],
};
