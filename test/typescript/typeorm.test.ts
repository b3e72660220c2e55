/**
 * TypeORM frontend. TypeORM is not installed, so the QueryRunner API is checked against the SQL its
 * Postgres driver builds (PostgresQueryRunner.addColumn/createIndexSql/createForeignKeySql/…,
 * written out by hand below from TypeORM 0.3's source) and against the names `migration:generate`
 * wrote into real migrations (the DefaultNamingStrategy hashes).
 */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/ir/types.js';
import { lintAll, normalize, parseTs, sqlOps, verdicts } from './helpers.js';
import { assignTransactions } from '../../src/ir/transactions.js';

function migration(up: string, extra = '', down = ''): string {
  return `import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex, TableUnique, TableCheck } from "typeorm";

export class Test1700000000000 implements MigrationInterface {
${extra}
    public async up(queryRunner: QueryRunner): Promise<void> {
${up}
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
${down}
    }
}
`;
}

const up = (ops: Operation[]) => ops.filter((op) => op.direction === 'upgrade');

async function sameAsSql(source: string, sql: string[]) {
  const m = await parseTs('1700000000000-Test.ts', source);
  expect(m.diagnostics).toEqual([]);
  const expected = sqlOps(sql, 'upgrade');
  assignTransactions(expected, 'wrapped');
  expect(up(m.ops).map((op) => normalize(op))).toEqual(expected.map((op) => normalize(op)));
  return m;
}

describe('TypeORM QueryRunner API = the SQL its Postgres driver builds', () => {
  it('addColumn: isNullable defaults to false, default is raw SQL, isUnique/isPrimary add named constraints', async () => {
    const m = await sameAsSql(
      migration(`        await queryRunner.addColumn("user", new TableColumn({ name: "nickname", type: "varchar", length: "64" }));
        await queryRunner.addColumn("user", new TableColumn({ name: "status", type: "varchar", isNullable: false, default: "'active'" }));
        await queryRunner.addColumn("user", new TableColumn({ name: "seen", type: "timestamp with time zone", isNullable: true, default: "now()" }));
        await queryRunner.addColumn("user", new TableColumn({ name: "code", type: "int", isUnique: true, isNullable: true }));
        await queryRunner.addColumns("user", [new TableColumn({ name: "a", type: "text", isNullable: true }), new TableColumn({ name: "b", type: "uuid", isGenerated: true, generationStrategy: "uuid" })]);`),
      [
        'ALTER TABLE "user" ADD "nickname" varchar(64) NOT NULL',
        `ALTER TABLE "user" ADD "status" varchar NOT NULL DEFAULT 'active'`,
        'ALTER TABLE "user" ADD "seen" timestamp with time zone DEFAULT now()',
        'ALTER TABLE "user" ADD "code" int',
        'ALTER TABLE "user" ADD CONSTRAINT "UQ_f1a5a4d6ec2ed6a6bd3d1c3e1f4" UNIQUE ("code")'.replace(
          'UQ_f1a5a4d6ec2ed6a6bd3d1c3e1f4',
          uq('user', ['code']),
        ),
        'ALTER TABLE "user" ADD "a" text',
        'ALTER TABLE "user" ADD "b" uuid NOT NULL DEFAULT uuid_generate_v4()',
      ],
    );
    const findings = lintAll([m]);
    expect(findings.filter((f) => f.rule === 'adding-required-field').map((f) => f.line)).toEqual([6]);
    expect(findings.filter((f) => f.rule === 'adding-field-with-default').map((f) => f.line)).toEqual([10]);
  });

  it('createIndex: TableIndex isConcurrent / isUnique / where, and the IDX_ name TypeORM generates', async () => {
    const m = await sameAsSql(
      migration(`        await queryRunner.createIndex("user", new TableIndex({ columnNames: ["email"] }));
        await queryRunner.createIndex("user", new TableIndex({ name: "IDX_user_last", columnNames: ["lastName"], isConcurrent: true, isUnique: true, where: '"lastName" IS NOT NULL' }));
        await queryRunner.dropIndex("user", "IDX_user_last");
        await queryRunner.dropIndex("user", new TableIndex({ name: "IDX_user_first", columnNames: ["firstName"], isConcurrent: true }));`),
      [
        `CREATE INDEX "IDX_e12875dfb3b1d92d7d7c5377e2" ON "user" ("email") `,
        `CREATE UNIQUE INDEX CONCURRENTLY "IDX_user_last" ON "user" ("lastName") WHERE "lastName" IS NOT NULL`,
        'DROP INDEX "IDX_user_last"',
        'DROP INDEX CONCURRENTLY "IDX_user_first"',
      ],
    );
    const rules = lintAll([m]).map((f) => [f.line, f.rule]);
    expect(rules).toContainEqual([6, 'require-concurrent-index-creation']);
    // "all" transaction mode (the default): CONCURRENTLY fails inside TypeORM's transaction.
    expect(rules).toContainEqual([7, 'ban-concurrent-index-creation-in-transaction']);
    expect(rules).toContainEqual([9, 'ban-concurrent-index-creation-in-transaction']);
  });

  it('constraints: createForeignKey/createUniqueConstraint/createCheckConstraint/createPrimaryKey with TypeORM names', async () => {
    await sameAsSql(
      migration(`        await queryRunner.createForeignKey("photo", new TableForeignKey({ columnNames: ["userId"], referencedTableName: "user", referencedColumnNames: ["id"], onDelete: "CASCADE" }));
        await queryRunner.createUniqueConstraint("user", new TableUnique({ columnNames: ["email"] }));
        await queryRunner.createCheckConstraint("user", new TableCheck({ name: "CHK_age", expression: '"age" > 0' }));
        await queryRunner.createPrimaryKey("tag", ["id"]);
        await queryRunner.dropForeignKey("photo", "FK_4494006ff358f754d07df5ccc87");
        await queryRunner.dropUniqueConstraint("user", "UQ_x");
        await queryRunner.dropCheckConstraint("user", "CHK_age");`),
      [
        // The FK name is the one `migration:generate` writes for photo.userId (TypeORM's docs sample).
        'ALTER TABLE "photo" ADD CONSTRAINT "FK_4494006ff358f754d07df5ccc87" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE',
        `ALTER TABLE "user" ADD CONSTRAINT "${uq('user', ['email'])}" UNIQUE ("email")`,
        'ALTER TABLE "user" ADD CONSTRAINT "CHK_age" CHECK ("age" > 0)',
        `ALTER TABLE "tag" ADD CONSTRAINT "${pk('tag', ['id'])}" PRIMARY KEY ("id")`,
        'ALTER TABLE "photo" DROP CONSTRAINT "FK_4494006ff358f754d07df5ccc87"',
        'ALTER TABLE "user" DROP CONSTRAINT "UQ_x"',
        'ALTER TABLE "user" DROP CONSTRAINT "CHK_age"',
      ],
    );
  });

  it('createTable with columns, uniques, checks, foreign keys and indices; dropTable, renameTable, renameColumn, dropColumn', async () => {
    await sameAsSql(
      migration(`        await queryRunner.createTable(new Table({
            name: "photo",
            columns: [
                { name: "id", type: "int", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
                { name: "url", type: "varchar", isUnique: true },
                { name: "userId", type: "int", isNullable: true },
            ],
            foreignKeys: [{ columnNames: ["userId"], referencedTableName: "user", referencedColumnNames: ["id"] }],
            indices: [{ columnNames: ["userId"] }],
        }), true);
        await queryRunner.renameColumn("photo", "url", "href");
        await queryRunner.dropColumn("photo", "href");
        await queryRunner.renameTable("photo", "picture");
        await queryRunner.dropTable("legacy", true);`),
      [
        `CREATE TABLE IF NOT EXISTS "photo" ("id" SERIAL NOT NULL, "url" varchar NOT NULL, "userId" int, CONSTRAINT "${uq('photo', ['url'])}" UNIQUE ("url"), CONSTRAINT "FK_4494006ff358f754d07df5ccc87" FOREIGN KEY ("userId") REFERENCES "user" ("id"), CONSTRAINT "PK_723fa50bf70dcfd06fb5a44d4ff" PRIMARY KEY ("id"))`,
        `CREATE INDEX "${idx('photo', ['userId'])}" ON "photo" ("userId") `,
        'ALTER TABLE "photo" RENAME COLUMN "url" TO "href"',
        'ALTER TABLE "photo" DROP COLUMN "href"',
        'ALTER TABLE "photo" RENAME TO "picture"',
        'DROP TABLE IF EXISTS "legacy"',
      ],
    );
  });
});

describe('TypeORM query builder', () => {
  it('createQueryBuilder().update/delete … .execute() is the data change it sends; a read-only builder sends none', async () => {
    const m = await parseTs(
      '1700000000000-Test.ts',
      migration(`        await queryRunner.query(\`ALTER TABLE "member" ADD "displayName" varchar(64)\`);
        const rows = await queryRunner.query(\`SELECT id, "firstName", "lastName" FROM "member"\`);
        for (const row of rows) {
            await queryRunner.manager
                .createQueryBuilder()
                .update("member")
                .set({ displayName: \`\${row.firstName} \${row.lastName}\` })
                .where("id = :id", { id: row.id })
                .execute();
        }
        await queryRunner.connection.createQueryBuilder().delete().from("member_invite").execute();
        const left = await queryRunner.manager.createQueryBuilder().select("m.id").from("member", "m").getCount();`),
    );
    expect(
      up(m.ops).map((op) => [
        op.kind,
        op.span.line,
        op.kind === 'data-change' ? op.statementType : '',
        op.kind === 'data-change' ? (op.table?.name ?? null) : '',
        op.kind === 'data-change' ? (op.rowScope ?? null) : '',
      ]),
    ).toEqual([
      ['add-column', 6, '', '', ''],
      ['data-change', 7, 'SelectStmt', null, null],
      ['data-change', 9, 'UpdateStmt', 'member', 'filtered'],
      ['data-change', 16, 'DeleteStmt', 'member_invite', 'all'],
    ]);
    const findings = lintAll([m]);
    expect(findings.filter((f) => f.rule === 'backfill-in-ddl-transaction').map((f) => f.line)).toEqual([9]);
    expect(findings.filter((f) => f.rule === 'ban-unfiltered-data-change').map((f) => f.line)).toEqual([16]);
  });
});

describe('TypeORM changeColumn', () => {
  it('a new type or length drops the column and adds it again (released TypeORM 0.3): rename-via-drop-add', async () => {
    const m = await parseTs(
      '1700000000000-Test.ts',
      migration(
        `        await queryRunner.changeColumn("user", new TableColumn({ name: "age", type: "int" }), new TableColumn({ name: "age", type: "varchar", length: "10" }));`,
      ),
    );
    expect(up(m.ops).map((op) => [op.kind, op.span.line])).toEqual([
      ['drop-column', 6],
      ['add-column', 6],
    ]);
    const rules = lintAll([m]).map((f) => f.rule);
    expect(rules).toContain('rename-via-drop-add');
    expect(rules).toContain('ban-drop-column');
  });

  it('same type, other changes: rename, SET/DROP NOT NULL, SET DEFAULT, unique — no drop', async () => {
    const m = await sameAsSql(
      migration(`        await queryRunner.changeColumn("user",
            new TableColumn({ name: "name", type: "varchar", isNullable: true }),
            new TableColumn({ name: "full_name", type: "varchar", isNullable: false, default: "''", isUnique: true }));`),
      [
        'ALTER TABLE "user" RENAME COLUMN "name" TO "full_name"',
        'ALTER TABLE "user" ALTER COLUMN "full_name" SET NOT NULL',
        `ALTER TABLE "user" ALTER COLUMN "full_name" SET DEFAULT ''`,
        `ALTER TABLE "user" ADD CONSTRAINT "${uq('user', ['full_name'])}" UNIQUE ("full_name")`,
      ],
    );
    expect(lintAll([m]).map((f) => f.rule)).not.toContain('rename-via-drop-add');
  });

  it('old column given by name: a type spelled unlike Postgres reports it always recreates; one spelled the same cannot be judged (unknown op)', async () => {
    const m = await parseTs(
      '1700000000000-Test.ts',
      migration(`        await queryRunner.changeColumn("user", "lastName", new TableColumn({ name: "lastName", type: "varchar", length: "100" }));
        await queryRunner.changeColumn("user", "firstName", new TableColumn({ name: "firstName", type: "character varying", length: "100" }));`),
    );
    expect(up(m.ops).map((op) => [op.kind, op.span.line])).toEqual([
      ['drop-column', 6],
      ['add-column', 6],
      ['unknown', 7],
    ]);
    const unknown = up(m.ops)[2]!;
    expect(unknown.kind === 'unknown' && unknown.reason).toContain('pass the old column as a TableColumn');
  });
});

describe('TypeORM transactions', () => {
  it('commitTransaction()/startTransaction() around CONCURRENTLY: the index runs outside the transaction', async () => {
    const m = await parseTs(
      '1700000000000-Test.ts',
      migration(`        await queryRunner.commitTransaction();
        await queryRunner.query(\`CREATE INDEX CONCURRENTLY "IDX_a" ON "user" ("a")\`);
        await queryRunner.startTransaction();
        await queryRunner.startTransaction();
        await queryRunner.query('ALTER TABLE "user" ADD "b" text');
        await queryRunner.commitTransaction();`),
    );
    expect(up(m.ops).map((op) => [op.kind, op.kind === 'transaction' ? op.action : '', op.inTransaction])).toEqual([
      ['transaction', 'commit', true],
      ['create-index', '', false],
      ['transaction', 'begin', false],
      // A second startTransaction() inside a transaction is a SAVEPOINT in TypeORM's driver.
      ['transaction', 'savepoint', true],
      ['add-column', '', true],
      ['transaction', 'release', true],
    ]);
    expect(lintAll([m]).map((f) => f.rule)).not.toContain('ban-concurrent-index-creation-in-transaction');
  });

  it('transaction = cond ? false : undefined: the branch of `if (cond)` runs outside a transaction, the other inside', async () => {
    const source = `import { MigrationInterface, QueryRunner } from "typeorm";
import { useOnlineIndexBuilds } from "./support/index-mode";

export class OrderLookup1700000000000 implements MigrationInterface {
    transaction = useOnlineIndexBuilds() ? false : undefined;

    public async up(queryRunner: QueryRunner): Promise<void> {
        const online = useOnlineIndexBuilds();
        if (online) {
            await queryRunner.query(\`CREATE INDEX CONCURRENTLY IF NOT EXISTS "IDX_order_customer" ON "order" ("customerId")\`);
        } else {
            await queryRunner.query(\`CREATE INDEX IF NOT EXISTS "IDX_order_customer" ON "order" ("customerId")\`);
        }
        if (process.env.REINDEX_NOW) {
            await queryRunner.query(\`CREATE INDEX CONCURRENTLY "IDX_order_placed" ON "order" ("placedAt")\`);
        }
    }
}
`;
    const m = await parseTs('1700000000000-OrderLookup.ts', source);
    expect(up(m.ops).map((op) => [op.kind, op.span.line, op.inTransaction])).toEqual([
      ['create-index', 10, false],
      ['create-index', 12, true],
      ['create-index', 15, true],
    ]);
    // Only the index built under an unrelated condition is flagged: that branch still runs in the transaction.
    expect(
      lintAll([m])
        .filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction')
        .map((f) => f.line),
    ).toEqual([15]);
  });

  it('transaction = false runs the migration outside a transaction', async () => {
    const source = migration(
      `        await queryRunner.query('CREATE INDEX CONCURRENTLY "IDX_a" ON "user" ("a")');`,
      '    public transaction = false;',
    );
    const m = await parseTs('1700000000000-Test.ts', source);
    expect(m.transaction).toBe('none');
    expect(lintAll([m]).map((f) => f.rule)).not.toContain('ban-concurrent-index-creation-in-transaction');
    const wrapped = await parseTs('1700000000000-Test.ts', source.replace('public transaction = false;', ''));
    expect(wrapped.transaction).toBe('wrapped');
    expect(lintAll([wrapped]).map((f) => [f.rule, f.line])).toContainEqual([
      'ban-concurrent-index-creation-in-transaction',
      6,
    ]);
  });
});

describe('TypeORM SQL strings', () => {
  it('a finding inside a multi-line template literal points at its line and column in the .ts file', async () => {
    const source = migration(`        await queryRunner.query(
            \`ALTER TABLE "user"
                ADD "plan" character varying NOT NULL\`,
        );
        await queryRunner.query(\`CREATE INDEX "IDX_plan" ON "user" ("plan") \`);`);
    const m = await parseTs('1700000000000-Test.ts', source);
    const f = lintAll([m]);
    const required = f.find((x) => x.rule === 'adding-required-field')!;
    expect([required.line, required.column]).toEqual([7, 14]);
    const index = f.find((x) => x.rule === 'require-concurrent-index-creation')!;
    expect([index.line, index.column]).toEqual([10, 34]);
    expect(source.split('\n')[9]!.slice(33, 45)).toBe('CREATE INDEX');
  });

  it('a JavaScript migration class (module.exports = class …) is read too', async () => {
    const source = `module.exports = class AddBio1700000000001 {
    async up(queryRunner) {
        await queryRunner.query(\`ALTER TABLE "user" ADD "bio" text NOT NULL\`);
    }
    async down(queryRunner) {
        await queryRunner.query(\`ALTER TABLE "user" DROP COLUMN "bio"\`);
    }
};`;
    const m = await parseTs('1700000000001-AddBio.js', source);
    expect(m.format).toBe('typeorm');
    expect(verdicts(lintAll([m], false))).toContain(
      'adding-required-field: Column bio is added to "user" as NOT NULL without a DEFAULT: the statement fails if the table has any rows.',
    );
    expect(m.downgrade?.state).toBe('present');
  });
});

// TypeORM's DefaultNamingStrategy, computed independently for the expected SQL above.
import { createHash } from 'node:crypto';
function hash(key: string, n: number) {
  return createHash('sha1').update(key).digest('hex').slice(0, n);
}
function uq(table: string, cols: string[]) {
  return `UQ_${hash(`${table}_${[...cols].sort().join('_')}`, 27)}`;
}
function pk(table: string, cols: string[]) {
  return `PK_${hash(`${table}_${[...cols].sort().join('_')}`, 27)}`;
}
function idx(table: string, cols: string[]) {
  return `IDX_${hash(`${table}_${[...cols].sort().join('_')}`, 26)}`;
}

describe('TypeORM naming strategy reproduced', () => {
  it('matches names TypeORM generated in real migrations', () => {
    // Names that `typeorm migration:generate` wrote into public projects' migrations (user.id, photo.id, photo.userId, user.email).
    expect(pk('user', ['id'])).toBe('PK_cace4a159ff9f2512dd42373760');
    expect(pk('photo', ['id'])).toBe('PK_723fa50bf70dcfd06fb5a44d4ff');
    expect(`FK_${hash('photo_userId', 27)}`).toBe('FK_4494006ff358f754d07df5ccc87');
    expect(idx('user', ['email'])).toBe('IDX_e12875dfb3b1d92d7d7c5377e2');
  });
});

describe('TypeORM tables and columns loaded from the database', () => {
  it('getTable() and findColumnByName(): the old column comes from the database, like a name', async () => {
    const m = await parseTs(
      '1700000000000-Test.ts',
      migration(`        const table = await queryRunner.getTable("user");
        const old = table!.findColumnByName("age")!;
        await queryRunner.changeColumn(table!, old, new TableColumn({ name: "age", type: "bigint" }));
        await queryRunner.addColumn(table!, new TableColumn({ name: "note", type: "text", isNullable: true }));`),
    );
    // "bigint" is how Postgres reports the type: whether it differs cannot be known here.
    expect(up(m.ops).map((op) => [op.kind, op.span.line, op.kind === 'add-column' ? op.table.name : ''])).toEqual([
      ['unknown', 8, ''],
      ['add-column', 9, 'user'],
    ]);
  });
});
