import type { FormatParser } from '../types.js';
import type { Operation } from '../../ir/types.js';
import { assignTransactions } from '../../ir/transactions.js';
import { type SqlSection, sqlMigration } from './sql-common.js';

const HEADER = /^--\s*Running (upgrade|downgrade)\s+(\S*)\s*->\s*(\S*)\s*$/gm;

function isBookkeeping(op: Operation): boolean {
  const table = 'table' in op ? op.table : undefined;
  return (op.kind === 'create-table' || op.kind === 'data-change') && table?.name === 'alembic_version';
}

/**
 * `alembic upgrade … --sql` output: explicit BEGIN/COMMIT (autocommit blocks show as COMMIT … BEGIN),
 * and `-- Running upgrade A -> B` comments attribute each statement to revision B.
 * The `alembic_version` bookkeeping statements are Alembic's own and are left out.
 */
export const alembicSql: FormatParser = {
  format: 'alembic-sql',
  extensions: ['.sql'],
  detect: (file) => (/^--\s*Running (upgrade|downgrade)\s/m.test(file.text) ? 10 : 0),
  parse(file) {
    const headers = [...file.text.matchAll(HEADER)];
    const sections: SqlSection[] = [];
    // The part before the first header (BEGIN, CREATE TABLE alembic_version) belongs to no revision.
    const first = headers[0]?.index ?? file.text.length;
    const startDirection = headers[0]?.[1] === 'downgrade' ? 'downgrade' : 'upgrade';
    if (first > 0) sections.push({ start: 0, end: first, direction: startDirection });
    headers.forEach((h, i) => {
      sections.push({
        start: h.index!,
        end: i + 1 < headers.length ? headers[i + 1]!.index! : file.text.length,
        direction: h[1] === 'downgrade' ? 'downgrade' : 'upgrade',
      });
    });
    const revisionAt = (offset: number) => {
      let rev: string | undefined;
      for (const h of headers) {
        if (h.index! > offset) break;
        rev = h[1] === 'downgrade' ? h[2] : h[3];
      }
      return rev || undefined;
    };
    // One transaction state across the whole output: parse sections, then assign on the whole list.
    const migration = sqlMigration(file.path, file.text, 'alembic-sql', 'none', sections, revisionAt);
    // Transaction state runs across revisions (one BEGIN at the top, COMMIT at the end).
    assignTransactions(migration.ops, 'none');
    migration.ops = migration.ops.filter((op) => !isBookkeeping(op));
    return migration;
  },
};
