/**
 * n8n's migrations are TypeORM migrations that n8n wraps (its wrapMigration): `up`/`down` receive a
 * MigrationContext — `{ queryRunner, runQuery, escape, tablePrefix, isPostgres, schemaBuilder, … }`
 * — instead of the QueryRunner. n8n is not installed: the expected SQL below is what its
 * schemaBuilder's table operations ask TypeORM's PostgresQueryRunner for (createTable with
 * `ifNotExists`, addColumns, changeColumn for addNotNull, createIndex with n8n's own
 * `IDX_<table>_<columns>` name…), written out by hand from both projects' sources.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/ir/types.js';
import { assignTransactions } from '../../src/ir/transactions.js';
import { generatedMigration, lintAll, normalize, parseTs, sqlOps, verdicts } from './helpers.js';

function hash(key: string, n: number) {
  return createHash('sha1').update(key).digest('hex').slice(0, n);
}
const pk = (table: string, cols: string[]) => `PK_${hash(`${table}_${[...cols].sort().join('_')}`, 27)}`;
const fk = (table: string, col: string) => `FK_${hash(`${table}_${col}`, 27)}`;
const idx = (table: string, cols: string[]) => `IDX_${hash(`${table}_${[...cols].sort().join('_')}`, 26)}`;

const up = (ops: Operation[]) => ops.filter((op) => op.direction === 'upgrade');

const INVOICES = `import type { MigrationContext, ReversibleMigration } from '../migration-types';

export class AddInvoiceTables1731000000000 implements ReversibleMigration {
	async up({ schemaBuilder: { createTable, column, addColumns, addNotNull, addForeignKey, createIndex, dropIndex }, runQuery, escape }: MigrationContext) {
		await createTable('invoice')
			.withColumns(
				column('id').varchar(36).primary.notNull,
				column('total').int.notNull,
				column('accountId').uuid.notNull,
				column('note').text,
			)
			.withIndexOn('accountId')
			.withForeignKey('accountId', { tableName: 'account', columnName: 'id', onDelete: 'CASCADE' }).withTimestamps;

		await addColumns('account', [column('tier').varchar(16).default("'basic'").notNull, column('invoicedAt').timestamp()]);

		const account = escape.tableName('account');
		const tier = escape.columnName('tier');
		await runQuery(\`UPDATE \${account} SET \${tier} = :tier WHERE id IN (SELECT "accountId" FROM invoice)\`, { tier: 'paid' });

		await addNotNull('account', 'invoicedAt');
		await createIndex('account', ['tier']);
		await dropIndex('account', ['legacyTier'], { customIndexName: 'idx_account_legacy', skipIfMissing: true });
		await addForeignKey('invoice', 'accountId', ['account', 'id'], 'fk_invoice_account');
	}

	async down({ schemaBuilder: { dropTable, dropColumns } }: MigrationContext) {
		await dropColumns('account', ['tier', 'invoicedAt']);
		await dropTable('invoice');
	}
}
`;

describe("n8n's schemaBuilder = the SQL TypeORM's Postgres driver sends for it", () => {
  it('createTable…withTimestamps, addColumns, addNotNull, createIndex/dropIndex, addForeignKey, runQuery with escape and named parameters', async () => {
    const m = await parseTs('1731000000000-AddInvoiceTables.ts', INVOICES);
    expect(m.format).toBe('typeorm');
    expect(m.diagnostics).toEqual([]);
    expect(m.ops.filter((op) => op.kind === 'unknown')).toEqual([]);
    const sql = [
      `CREATE TABLE IF NOT EXISTS "invoice" ("id" varchar(36) NOT NULL, "total" int NOT NULL, "accountId" uuid NOT NULL, "note" text, "createdAt" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), "updatedAt" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), CONSTRAINT "${fk('invoice', 'accountId')}" FOREIGN KEY ("accountId") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "${pk('invoice', ['id'])}" PRIMARY KEY ("id"))`,
      `CREATE INDEX "${idx('invoice', ['accountId'])}" ON "invoice" ("accountId") `,
      `ALTER TABLE "account" ADD "tier" varchar(16) NOT NULL DEFAULT 'basic'`,
      `ALTER TABLE "account" ADD "invoicedAt" timestamptz(3)`,
      `UPDATE "account" SET "tier" = $1 WHERE id IN (SELECT "accountId" FROM invoice)`,
      `ALTER TABLE "account" ALTER COLUMN "invoicedAt" SET NOT NULL`,
      // n8n names the index itself: IDX_<prefix><table>_<columns>
      `CREATE INDEX "IDX_account_tier" ON "account" ("tier") `,
      // skipIfMissing swallows the "not found" error TypeORM throws for a missing index
      `DROP INDEX IF EXISTS "public"."idx_account_legacy"`,
      `ALTER TABLE "invoice" ADD CONSTRAINT "fk_invoice_account" FOREIGN KEY ("accountId") REFERENCES "account"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    ];
    const expected = sqlOps(sql, 'upgrade');
    assignTransactions(expected, 'wrapped');
    expect(up(m.ops).map((op) => normalize(op))).toEqual(expected.map((op) => normalize(op)));
    const down = sqlOps(
      [
        'ALTER TABLE "account" DROP COLUMN "tier"',
        'ALTER TABLE "account" DROP COLUMN "invoicedAt"',
        'DROP TABLE IF EXISTS "invoice"',
      ],
      'downgrade',
    );
    expect(generatedMigration(m, expected, down).ops.map((op) => normalize(op))).toEqual(
      m.ops.map((op) => normalize(op)),
    );
    // The same verdicts as the SQL, at the call that makes each change.
    expect(verdicts(lintAll([m]))).toEqual(verdicts(lintAll([generatedMigration(m, expected, down)])));
    const findings = lintAll([m]);
    expect(findings.find((f) => f.rule === 'adding-not-nullable-field')?.line).toBe(21);
    expect(findings.find((f) => f.rule === 'require-concurrent-index-creation' && f.line === 22)).toBeDefined();
  });
});

describe("n8n's MigrationContext", () => {
  it('a context passed whole to helper methods that destructure it; isPostgres/isMysql/isSqlite and tablePrefix decided', async () => {
    const m = await parseTs(
      '1732000000000-SplitRunLog.ts',
      `import type { MigrationContext, IrreversibleMigration } from '../migration-types';

export class SplitRunLog1732000000000 implements IrreversibleMigration {
	async addColumn({ isMysql, runQuery, escape }: MigrationContext) {
		const table = escape.tableName('run_log');
		await runQuery(
			isMysql
				? \`ALTER TABLE \${table} ADD COLUMN detail JSON\`
				: \`ALTER TABLE \${table} ADD COLUMN detail JSONB NOT NULL DEFAULT '{}'\`,
		);
	}

	async up(context: MigrationContext) {
		await this.addColumn(context);
		const { queryRunner, tablePrefix, isSqlite } = context;
		if (isSqlite) {
			await queryRunner.query(\`CREATE INDEX idx_run_log_started ON \${tablePrefix}run_log (started)\`);
		} else {
			await queryRunner.query(\`CREATE INDEX CONCURRENTLY idx_run_log_started ON \${tablePrefix}run_log (started)\`);
		}
	}
}
`,
    );
    expect(m.format).toBe('typeorm');
    expect(
      m.ops.map((op) => [
        op.kind,
        op.span.line,
        op.kind === 'add-column' || op.kind === 'create-index' ? op.table.name : '',
        op.conditional ?? null,
      ]),
    ).toEqual([
      ['add-column', 9, 'run_log', null],
      ['create-index', 19, 'run_log', null],
    ]);
    expect(lintAll([m]).map((f) => [f.rule, f.line])).toContainEqual([
      'ban-concurrent-index-creation-in-transaction',
      19,
    ]);
  });

  it('up({ queryRunner }) destructured from the context reads its queries (no "empty migration")', async () => {
    const m = await parseTs(
      '1733000000000-IndexJobs.ts',
      `import type { MigrationContext, IrreversibleMigration } from '../migration-types';

export class IndexJobs1733000000000 implements IrreversibleMigration {
	async up({ queryRunner, tablePrefix }: MigrationContext) {
		await queryRunner.query(\`CREATE INDEX idx_job_state ON \${tablePrefix}job (state)\`);
	}
}
`,
    );
    expect(m.ops.map((op) => [op.kind, op.span.line])).toEqual([['create-index', 5]]);
    expect(lintAll([m]).map((f) => f.rule)).not.toContain('empty-migration');
    // IrreversibleMigration declares that it has no down(): the info for a declared one, not the warning for a missing one.
    expect(m.downgrade).toMatchObject({
      state: 'irreversible',
      note: "the class implements n8n's IrreversibleMigration",
    });
    expect(
      lintAll([m])
        .filter((f) => f.rule === 'empty-downgrade')
        .map((f) => f.severity),
    ).toEqual(['info']);
  });

  it('context.isMysql / context.dbType read through the context object; schemaBuilder taken apart from context.schemaBuilder', async () => {
    const m = await parseTs(
      '1735000000000-DedupeTags.ts',
      `import type { MigrationContext, ReversibleMigration } from '../migration-types';

export class DedupeTags1735000000000 implements ReversibleMigration {
	async up(context: MigrationContext) {
		const { createTable, column } = context.schemaBuilder;
		await createTable('tag_v2').withColumns(column('id').int.primary.autoGenerate2, column('label').varchar(64).notNull);
		if (context.isMysql) {
			await context.runQuery('INSERT IGNORE INTO tag_v2 (label) SELECT DISTINCT label FROM tag');
		} else {
			await context.runQuery('INSERT INTO tag_v2 (label) SELECT DISTINCT label FROM tag ON CONFLICT DO NOTHING');
		}
		if (context.dbType === 'postgresdb') {
			await context.runQuery("SELECT setval('tag_v2_id_seq', (SELECT MAX(id) FROM tag_v2))");
		}
	}

	async down({ schemaBuilder: { dropTable } }: MigrationContext) {
		await dropTable('tag_v2');
	}
}
`,
    );
    expect(
      m.ops.filter((op) => op.direction === 'upgrade').map((op) => [op.kind, op.span.line, op.conditional ?? null]),
    ).toEqual([
      ['create-table', 6, null],
      ['data-change', 10, null],
      ['data-change', 13, null],
    ]);
    const table = m.ops[0]!;
    expect(
      table.kind === 'create-table' && table.columns.map((c) => [c.name, c.type.text, c.generated ?? null, c.notNull]),
    ).toEqual([
      ['id', 'integer', 'identity', true],
      ['label', 'varchar(64)', null, true],
    ]);
  });

  it("columns built with n8n's Column class (new Column('x')…) are read like column('x')…", async () => {
    const m = await parseTs(
      '1736000000000-StampMembers.ts',
      `import { Column } from '../dsl/column';
import type { IrreversibleMigration, MigrationContext } from '../migration-types';

export class StampMembers1736000000000 implements IrreversibleMigration {
	async up({ schemaBuilder }: MigrationContext) {
		await schemaBuilder.addColumns(
			'member',
			[new Column('joinedAt').timestampTimezone().notNull.default('NOW()'), new Column('seenAt').timestampNoTimezone(0)],
			{ ackThisRecreatesOnSqlite: true },
		);
	}
}
`,
    );
    const expected = sqlOps(
      [
        'ALTER TABLE "member" ADD "joinedAt" timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)',
        'ALTER TABLE "member" ADD "seenAt" timestamp(0)',
      ],
      'upgrade',
    );
    assignTransactions(expected, 'wrapped');
    expect(m.ops.map((op) => normalize(op))).toEqual(expected.map((op) => normalize(op)));
    expect(m.ops.map((op) => op.span.line)).toEqual([8, 8]);
  });

  it('a schemaBuilder call it cannot read is reported as not understood, not skipped', async () => {
    const m = await parseTs(
      '1734000000000-Odd.ts',
      `import type { MigrationContext, IrreversibleMigration } from '../migration-types';
import { columnsFor } from './shared';

export class Odd1734000000000 implements IrreversibleMigration {
	async up({ schemaBuilder: { addColumns } }: MigrationContext) {
		await addColumns('job', columnsFor('job'));
	}
}
`,
    );
    expect(m.ops.map((op) => [op.kind, op.span.line])).toEqual([['unknown', 6]]);
  });
});

describe('names built from a prefix the migration reads at run time', () => {
  it("n8n's older migrations: `${tablePrefix}execution_entity` and `IDX_${tablePrefix}a1b2` are each one (quoted) name", async () => {
    const m = await parseTs(
      '1650000000000-IndexRunLog.ts',
      `import { MigrationInterface, QueryRunner } from 'typeorm';
import config from '../../../config';

export class IndexRunLog1650000000000 implements MigrationInterface {
	async up(queryRunner: QueryRunner): Promise<void> {
		const tablePrefix = config.getEnv('database.tablePrefix');
		await queryRunner.query(
			\`CREATE INDEX IF NOT EXISTS IDX_\${tablePrefix}9f3e0c7d ON \${tablePrefix}run_log ("startedAt") \`,
		);
		await queryRunner.query('ALTER TABLE ' + tablePrefix + 'run_log ALTER COLUMN "endedAt" DROP NOT NULL');
	}

	async down(queryRunner: QueryRunner): Promise<void> {
		const tablePrefix = config.getEnv('database.tablePrefix');
		await queryRunner.query(\`DROP INDEX IDX_\${tablePrefix}9f3e0c7d\`);
	}
}
`,
    );
    expect(m.ops.filter((op) => op.kind === 'unknown')).toEqual([]);
    expect(
      m.ops.map((op) => [
        op.kind,
        op.span.line,
        op.kind === 'create-index' || op.kind === 'drop-not-null' ? op.table.name : '',
        op.kind === 'create-index' ? op.name : op.kind === 'drop-index' ? op.indexes[0]!.name : '',
      ]),
    ).toEqual([
      ['create-index', 8, '${tablePrefix}run_log', 'IDX_${tablePrefix}9f3e0c7d'],
      ['drop-not-null', 10, '${tablePrefix}run_log', ''],
      ['drop-index', 15, '', 'IDX_${tablePrefix}9f3e0c7d'],
    ]);
  });
});
