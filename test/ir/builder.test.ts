/**
 * The shared IR builder gives, for what a framework states, the IR the SQL frontend gives for the SQL
 * the framework sends: each builder call is checked against parseSql of that SQL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addColumnCheck,
  addColumnReference,
  addConstraintDraft,
  columnDef,
  constraint,
  createTableDraft,
  indexDraft,
  markPrimaryKey,
  markUnique,
  referenceTarget,
  relationName,
} from '../../src/parsers/ir-builder.js';
import type { OpDraft } from '../../src/parsers/sql/translate.js';
import { initSqlParser, parseSql } from '../../src/parsers/sql/parse-sql.js';

/** The single op the SQL frontend reads from `sql`, without what only a parse of text has (positions). */
function fromSql(sql: string): unknown {
  const { ops, diagnostics } = parseSql(sql, { file: 'x.sql', direction: 'upgrade', generated: true });
  expect(diagnostics).toEqual([]);
  expect(ops).toHaveLength(1);
  return JSON.parse(
    JSON.stringify(ops[0], (k, v: unknown) =>
      ['span', 'direction', 'inTransaction', 'statementIndex'].includes(k) ? undefined : v,
    ),
  );
}

function built(draft: OpDraft): unknown {
  return JSON.parse(JSON.stringify(draft));
}

describe('ir-builder', () => {
  beforeAll(async () => {
    await initSqlParser();
  });

  it('a column with PRIMARY KEY, UNIQUE, CHECK and REFERENCES', () => {
    const col = columnDef('account_id', 'bigint');
    markPrimaryKey(col);
    markUnique(col);
    addColumnCheck(col, 'account_id IS NOT NULL');
    const target = referenceTarget('billing.accounts.id');
    if (!target) throw new Error('no target');
    addColumnReference(col, target);
    expect(built(createTableDraft({ name: 'invoices' }, [col], []))).toEqual(
      fromSql(
        'CREATE TABLE invoices (account_id bigint PRIMARY KEY UNIQUE CHECK (account_id IS NOT NULL) REFERENCES billing.accounts (id))',
      ),
    );
  });

  it('table constraints and indexes', () => {
    const t = relationName('billing.invoices');
    expect(built(addConstraintDraft(t, constraint('unique', ['account_id', 'number'], { name: 'uq' })))).toEqual(
      fromSql('ALTER TABLE billing.invoices ADD CONSTRAINT uq UNIQUE (account_id, number)'),
    );
    expect(
      built(indexDraft(t, ['number'], { name: 'ix', unique: true, concurrently: true, where: 'voided_at IS NULL' })),
    ).toEqual(fromSql('CREATE UNIQUE INDEX CONCURRENTLY ix ON billing.invoices (number) WHERE voided_at IS NULL'));
  });

  it("'table.column' references: the last dot separates the column", () => {
    expect(referenceTarget('users.id')).toEqual({ table: { name: 'users' }, columns: ['id'] });
    expect(referenceTarget('auth.users.id')).toEqual({ table: { schema: 'auth', name: 'users' }, columns: ['id'] });
    expect(referenceTarget('id')).toBeUndefined();
  });
});
