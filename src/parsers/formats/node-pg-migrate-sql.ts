import type { FormatParser } from '../types.js';
import { type SqlSection, sqlMigration } from './sql-common.js';

const MARKER = /^--\s*(Up|Down) Migration\b.*$/gim;

/** node-pg-migrate's SQL form: `-- Up Migration` / `-- Down Migration`, each file in a transaction. */
export const nodePgMigrateSql: FormatParser = {
  format: 'node-pg-migrate-sql',
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex: 'With node-pg-migrate: SQL migrations run in a transaction, so use a JavaScript/TypeScript migration that calls pgm.noTransaction() and pgm.createIndex(table, columns, { name, concurrently: true })',
  },
  transactionFacts: {
    wrapped: {
      reason: 'node-pg-migrate runs each migration in a transaction',
      fix: 'put the statement in a JavaScript/TypeScript migration that calls pgm.noTransaction()',
    },
  },
  detect: (file) => (/^--\s*Up Migration\b/im.test(file.text) ? 10 : 0),
  parse(file) {
    const markers = [...file.text.matchAll(MARKER)];
    const sections: SqlSection[] = markers.map((m, i) => ({
      start: m.index! + m[0].length,
      end: i + 1 < markers.length ? markers[i + 1]!.index! : file.text.length,
      direction: m[1]!.toLowerCase() === 'down' ? 'downgrade' : 'upgrade',
    }));
    return sqlMigration(file.path, file.text, 'node-pg-migrate-sql', 'wrapped', sections);
  },
};
