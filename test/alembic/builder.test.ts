/**
 * Alembic ops are built with the shared IR builder (no SQL text in between): the same IR the SQL
 * frontend gives for the statements Alembic emits (test/alembic/real-alembic.test.ts compares whole
 * projects with `alembic upgrade --sql`), with each column and constraint placed on the line of the
 * SQLAlchemy object that states it.
 */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/ir/types.js';
import { parseSql } from '../../src/parsers/sql/parse-sql.js';
import { parseRevision, revisionSource } from './helpers.js';

const CREATE = `op.create_table(
    "invoices",
    sa.Column("id", sa.BigInteger(), nullable=False),
    sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("billing.accounts.id"), nullable=False),
    sa.Column("number", sa.String(32), nullable=False, unique=True),
    sa.Column("total", sa.Numeric(12, 2), server_default="0", nullable=False),
    sa.PrimaryKeyConstraint("id", name="invoices_pkey"),
    sa.CheckConstraint("total >= 0", name="invoices_total_nonneg"),
    sa.UniqueConstraint("account_id", "number"),
)`;

/** The op without positions and run context, which the two frontends give differently (call vs statement, file vs revision). */
function shape(op: Operation): unknown {
  return JSON.parse(
    JSON.stringify(op, (k, v: unknown) =>
      ['span', 'statementSpan', 'statementIndex', 'inTransaction', 'revision'].includes(k) ? undefined : v,
    ),
  );
}

describe('Alembic through the IR builder', () => {
  it('each column and each constraint is placed on its own line of the call', async () => {
    const m = await parseRevision(revisionSource(CREATE));
    const create = m.ops.find((o) => o.kind === 'create-table');
    if (create?.kind !== 'create-table') throw new Error('no create-table');
    const lineOf = (needle: string) => m.source.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(create.columns.map((c) => [c.name, c.span?.line])).toEqual([
      ['id', lineOf('sa.Column("id"')],
      ['account_id', lineOf('sa.Column("account_id"')],
      ['number', lineOf('sa.Column("number"')],
      ['total', lineOf('sa.Column("total"')],
    ]);
    expect(create.constraints.map((c) => [c.type, c.span?.line])).toEqual([
      ['primary-key', lineOf('sa.PrimaryKeyConstraint')],
      ['check', lineOf('sa.CheckConstraint')],
      ['unique', lineOf('sa.UniqueConstraint')],
      // Derived from column options, column by column: on the column that states them.
      ['foreign-key', lineOf('sa.Column("account_id"')],
      ['unique', lineOf('sa.Column("number"')],
    ]);
  });

  it('a renamed, retyped, re-defaulted column gives the ALTERs Alembic emits, in its order', async () => {
    const m = await parseRevision(
      revisionSource(
        'op.alter_column("users", "email", type_=sa.String(320), existing_type=sa.String(255), nullable=False, server_default=sa.text("\'\'"), new_column_name="email_address")',
      ),
    );
    const emitted = parseSql(
      `ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(320);
       ALTER TABLE users ALTER COLUMN email SET NOT NULL;
       ALTER TABLE users ALTER COLUMN email SET DEFAULT '';
       ALTER TABLE users RENAME email TO email_address;`,
      { file: 'x.sql', direction: 'upgrade' },
    );
    const [typeChange, ...rest] = m.ops.map(shape) as Record<string, unknown>[];
    // existing_type is what only the revision states: the SQL has no old type.
    const { oldType, ...newType } = typeChange ?? {};
    expect(oldType).toMatchObject({ name: 'varchar', modifiers: [255] });
    expect([newType, ...rest]).toEqual(emitted.ops.map(shape));
  });
});
