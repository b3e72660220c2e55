import type { FormatParser } from '../types.js';
import { type SqlSection, sectionDowngrade, sqlMigration, textSpan } from './sql-common.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    'node-pg-migrate-sql': true;
  }
}

const MARKER = /^--\s*(Up|Down) Migration\b.*$/gim;

/** node-pg-migrate's SQL form: `-- Up Migration` / `-- Down Migration`, each file in a transaction. */
export const nodePgMigrateSql: FormatParser = {
  format: 'node-pg-migrate-sql',
  extensions: ['.sql'],
  formatHelp: {
    concurrentIndex:
      'With node-pg-migrate: SQL migrations run in a transaction, so use a JavaScript/TypeScript migration that calls pgm.noTransaction() and pgm.createIndex(table, columns, { name, concurrently: true })',
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
      start: m.index + m[0].length,
      end: i + 1 < markers.length ? markers[i + 1]!.index : file.text.length,
      direction: m[1]!.toLowerCase() === 'down' ? 'downgrade' : 'upgrade',
    }));
    const migration = sqlMigration(file.path, file.text, 'node-pg-migrate-sql', 'wrapped', sections);
    const down = markers.find((m) => m[1]!.toLowerCase() === 'down');
    if (down)
      migration.downgrade = sectionDowngrade(
        migration,
        textSpan(file.path, file.text, down.index, down.index + down[0].length),
      );
    else {
      // Without the section node-pg-migrate makes `down` false: a rollback stops with "irreversible".
      const up = markers[0];
      migration.downgrade = {
        state: 'irreversible',
        note: 'node-pg-migrate reads an SQL migration without a `-- Down Migration` section as irreversible',
        span: up
          ? textSpan(file.path, file.text, up.index, up.index + up[0].length)
          : { file: file.path, line: 1, column: 1, endLine: 1, endColumn: 1 },
      };
    }
    return [migration];
  },
};
