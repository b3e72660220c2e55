/**
 * The Alembic revision-file frontend: metadata, each op.* call → IR, positions in the .py file
 * (including SQL inside Python strings), transactions, batch mode, and what it does with code it
 * cannot read statically.
 */
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import type { Operation, OpOfKind } from '../../src/ir/types.js';
import { alembic } from '../../src/parsers/alembic/index.js';
import { lintText, parseRevision, revisionSource, UPGRADE_FIRST_LINE, upgradeOps } from './helpers.js';
import { objectContaining, stringContaining } from '../helpers/matchers.js';

function only<K extends Operation['kind']>(ops: Operation[], kind: K): OpOfKind<K> {
  const found = ops.filter((o) => o.kind === kind);
  expect(found, `exactly one ${kind} op in ${ops.map((o) => o.kind).join(', ')}`).toHaveLength(1);
  return found[0] as OpOfKind<K>;
}

async function up(body: string, dialect: 'postgresql' | 'sqlite' = 'postgresql'): Promise<Operation[]> {
  const m = await parseRevision(revisionSource(body), undefined, dialect);
  expect(m.diagnostics).toEqual([]);
  return upgradeOps(m);
}

describe('detection', () => {
  it('reads revision files and leaves other Python files alone', () => {
    expect(alembic.detect({ path: 'versions/abc_x.py', text: revisionSource('pass') })).toBeGreaterThan(0);
    const envPy =
      'from alembic import context\n\ndef run_migrations_online():\n    context.configure(connection=None)\n';
    expect(alembic.detect({ path: 'migrations/env.py', text: envPy })).toBe(0);
    expect(alembic.detect({ path: 'app/models.py', text: 'revision = 3\n' })).toBe(0);
  });
});

describe('revision metadata', () => {
  it('reads revision, down_revision, branch_labels and depends_on in their Python forms', async () => {
    const cases: [string, string[]][] = [
      ['down_revision = None', []],
      ['down_revision = ""', []],
      ["down_revision = 'f00d'", ['f00d']],
      ['down_revision = ("aa11", "bb22")', ['aa11', 'bb22']],
      ['down_revision = ["aa11", "bb22"]', ['aa11', 'bb22']],
      ['down_revision: Union[str, None] = "f00d"', ['f00d']],
      ['down_revision = "aa11", "bb22"', ['aa11', 'bb22']],
    ];
    for (const [decl, parents] of cases) {
      const m = await parseRevision(revisionSource('pass', 'pass', `revision: str = "c0ffee"\n${decl}\n`));
      expect(m.revision).toBe('c0ffee');
      expect(m.parents).toEqual(parents);
      expect(m.diagnostics).toEqual([]);
    }
    const labelled = await parseRevision(
      `revision = "c0ffee"\ndown_revision = None\nbranch_labels = ("billing",)\ndepends_on = "f00d"\n\ndef upgrade():\n    pass\n`,
    );
    expect(labelled.revisionInfo).toMatchObject({
      dependsOn: ['f00d'],
      branchLabels: ['billing'],
      span: { line: 1, column: 1 },
      parentsSpan: { line: 2 },
    });
  });

  it('reports a revision id that is not a literal, instead of guessing', async () => {
    const m = await parseRevision(
      'import uuid\nrevision = uuid.uuid4().hex\ndown_revision = None\n\ndef upgrade():\n    op.drop_table("t")\n',
    );
    expect(m.revision).toBeUndefined();
    expect(m.diagnostics).toEqual([
      expect.objectContaining({
        rule: 'parse-error',
        message: stringContaining('revision id'),
        span: objectContaining({ line: 2 }),
      }),
    ]);
    expect(m.ops.map((o) => o.kind)).toEqual(['drop-table']);
  });

  it('stamps every op with the revision and runs the revision in a transaction', async () => {
    const m = await parseRevision(
      revisionSource('op.drop_column("users", "legacy")', 'op.add_column("users", sa.Column("legacy", sa.Text()))'),
    );
    expect(m.transaction).toBe('wrapped');
    expect(m.ops.map((o) => [o.kind, o.direction, o.revision, o.inTransaction])).toEqual([
      ['drop-column', 'upgrade', 'abc123', true],
      ['add-column', 'downgrade', 'abc123', true],
    ]);
  });
});

describe('add_column', () => {
  it("a project's own type (a TypeDecorator in its module) is not read as the SQLAlchemy type of the same name", async () => {
    const header =
      'import myapp\nfrom myapp.db.types import JSON as AppJSON, Timestamp\nrevision = "abc123"\ndown_revision = None\n';
    const m = await parseRevision(
      revisionSource(
        'op.add_column("flow", sa.Column("tags", myapp.db.types.JSON(), nullable=True))\n' +
          'op.add_column("flow", sa.Column("labels", AppJSON, nullable=True))\n' +
          'op.add_column("flow", sa.Column("meta", sa.JSON(), nullable=True))\n' +
          'op.add_column("flow", sa.Column("raw", sqlalchemy.types.JSON(), nullable=True))',
        'pass',
        header,
      ),
    );
    const ops = upgradeOps(m);
    const columns = ops.flatMap((o) => (o.kind === 'add-column' ? [[o.column.name, o.column.type.name]] : []));
    // Only SQLAlchemy's own JSON is known to be json; the project's JSON (JSONB on PostgreSQL in Prefect) is not.
    expect(columns.filter(([, type]) => type === 'json').map(([name]) => name)).toEqual(['meta', 'raw']);
    expect(columns.map(([name]) => name)).toEqual(['tags', 'labels', 'meta', 'raw']);
    // …and says so, as for any type it does not know.
    const unknown = ops.flatMap((o) => (o.kind === 'unknown' ? [o.reason] : []));
    expect(unknown).toEqual([
      expect.stringContaining('type myapp.db.types.JSON() is not a SQLAlchemy type this linter knows'),
      expect.stringContaining('type AppJSON is not a SQLAlchemy type this linter knows'),
    ]);
  });
  it('sqlalchemy-utils types are read as they render on PostgreSQL; its other types stay unknown', async () => {
    const header =
      'import sqlalchemy_utils\nfrom sqlalchemy_utils import UUIDType\nrevision = "abc123"\ndown_revision = None\n';
    const m = await parseRevision(
      revisionSource(
        [
          'op.add_column("incident", sa.Column("search_vector", sqlalchemy_utils.types.ts_vector.TSVectorType(), nullable=True))',
          'op.add_column("incident", sa.Column("public_id", UUIDType(binary=False), nullable=True))',
          'op.add_column("incident", sa.Column("legacy_id", UUIDType(binary=False, native=False), nullable=True))',
          'op.add_column("incident", sa.Column("extra", sqlalchemy_utils.types.json.JSONType(), nullable=True))',
          'op.add_column("incident", sa.Column("contact", sqlalchemy_utils.types.email.EmailType(), nullable=True))',
        ].join('\n'),
        'pass',
        header,
      ),
    );
    const ops = upgradeOps(m);
    expect(ops.flatMap((o) => (o.kind === 'add-column' ? [[o.column.name, o.column.type.name]] : []))).toEqual([
      ['search_vector', 'tsvector'],
      ['public_id', 'uuid'],
      ['legacy_id', 'bpchar'],
      ['extra', 'json'],
      ['contact', expect.any(String)],
    ]);
    expect(ops.flatMap((o) => (o.kind === 'unknown' ? [o.reason] : []))).toEqual([
      expect.stringContaining('type sqlalchemy_utils.types.email.EmailType() is not a SQLAlchemy type'),
    ]);
  });

  it('NOT NULL with only a Python-side default has no default for existing rows', async () => {
    const ops = await up(
      'op.add_column("orders", sa.Column("total_cents", sa.BigInteger(), nullable=False, default=0))',
    );
    const op = only(ops, 'add-column');
    expect(op.table).toEqual({ name: 'orders' });
    expect(op.column).toMatchObject({ name: 'total_cents', notNull: true, type: { name: 'int8' } });
    expect(op.column.default).toBeUndefined();
    expect(op.span).toMatchObject({ line: UPGRADE_FIRST_LINE, column: 5, endLine: UPGRADE_FIRST_LINE });
  });

  it('server_default: a string is a constant, sa.text()/sa.func are SQL with their volatility', async () => {
    const ops = await up(
      [
        'op.add_column("users", sa.Column("plan", sa.String(20), server_default="free", nullable=False))',
        'op.add_column("users", sa.Column("seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()")))',
        'op.add_column("users", sa.Column("created", sa.DateTime(), server_default=sa.func.current_timestamp()))',
        'op.add_column("users", sa.Column("token", postgresql.UUID(), server_default=sa.func.gen_random_uuid()))',
        'op.add_column("users", sa.Column("active", sa.Boolean(), server_default=sa.true()))',
      ].join('\n'),
    );
    const cols = ops.map((o) => (o as OpOfKind<'add-column'>).column);
    expect(cols.map((c) => [c.name, c.type.text, c.default?.text, c.default?.volatility])).toEqual([
      ['plan', 'varchar(20)', "'free'", 'immutable'],
      ['seen_at', 'timestamptz', 'now()', 'stable'],
      ['created', 'timestamp', 'CURRENT_TIMESTAMP', 'stable'],
      ['token', 'uuid', 'gen_random_uuid()', 'volatile'],
      ['active', 'boolean', 'true', 'immutable'],
    ]);
    expect(cols[0]!.notNull).toBe(true);
  });

  it('emits the foreign key, unique constraint and index Alembic adds after the column', async () => {
    const ops = await up(
      'op.add_column("orders", sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True))\nop.add_column("orders", sa.Column("shop_id", sa.Integer(), index=True))',
    );
    expect(ops.map((o) => o.kind)).toEqual([
      'add-column',
      'add-constraint',
      'add-constraint',
      'add-column',
      'create-index',
    ]);
    const [, fk, unique, , index] = ops as [
      Operation,
      OpOfKind<'add-constraint'>,
      OpOfKind<'add-constraint'>,
      Operation,
      OpOfKind<'create-index'>,
    ];
    expect(fk.constraint).toMatchObject({
      type: 'foreign-key',
      columns: ['user_id'],
      references: { table: { name: 'users' }, columns: ['id'] },
      notValid: false,
    });
    expect(fk.constraint.name).toBeUndefined();
    expect(unique.constraint).toMatchObject({ type: 'unique', columns: ['user_id'] });
    expect(index).toMatchObject({ name: 'ix_orders_shop_id', columns: ['shop_id'], concurrently: false });
    // One Python call, one statement index, one position.
    expect(new Set(ops.slice(0, 3).map((o) => o.statementIndex)).size).toBe(1);
    expect(ops[4]!.span.line).toBe(UPGRADE_FIRST_LINE + 1);
  });

  it('a primary-key integer column is SERIAL, as SQLAlchemy renders it', async () => {
    const op = only(await up('op.add_column("t", sa.Column("id", sa.Integer(), primary_key=True))'), 'add-column');
    expect(op.column).toMatchObject({ type: { name: 'serial' }, notNull: true });
  });
});

describe('alter_column', () => {
  it('type change (with existing_type as the old type), nullability, default and rename, in Alembic order', async () => {
    const ops = await up(
      'op.alter_column("orders", "note", type_=sa.Text(), existing_type=sa.String(length=500), nullable=False, server_default=None, new_column_name="notes", postgresql_using="note::text")',
    );
    expect(ops.map((o) => o.kind)).toEqual(['alter-column-type', 'set-not-null', 'set-default', 'rename-column']);
    const type = ops[0] as OpOfKind<'alter-column-type'>;
    expect(type.newType).toMatchObject({ name: 'text' });
    expect(type.oldType).toMatchObject({ name: 'varchar', modifiers: [500] });
    expect(type.using).toBe('note::text');
    expect((ops[2] as OpOfKind<'set-default'>).default).toBeUndefined();
    expect(ops[3]).toMatchObject({ column: 'note', newName: 'notes' });
  });

  it('nullable=True drops NOT NULL; server_default=False changes nothing', async () => {
    const ops = await up(
      'op.alter_column("orders", "note", nullable=True, server_default=False, existing_type=sa.Text())',
    );
    expect(ops.map((o) => o.kind)).toEqual(['drop-not-null']);
  });
});

describe('indexes and constraints', () => {
  it('create_index: concurrently, unique, partial, expressions, op.f() names', async () => {
    const ops = await up(
      [
        'op.create_index(op.f("ix_orders_status"), "orders", ["status"], unique=False)',
        'op.create_index("ix_orders_lower_note", "orders", [sa.text("lower(note)")], unique=True, postgresql_concurrently=True, postgresql_where=sa.text("note IS NOT NULL"))',
        'op.drop_index("ix_orders_status", table_name="orders", postgresql_concurrently=True)',
      ].join('\n'),
    );
    expect(ops[0]).toMatchObject({
      kind: 'create-index',
      name: 'ix_orders_status',
      table: { name: 'orders' },
      columns: ['status'],
      unique: false,
      concurrently: false,
    });
    expect(ops[1]).toMatchObject({
      kind: 'create-index',
      name: 'ix_orders_lower_note',
      unique: true,
      concurrently: true,
      where: 'note IS NOT NULL',
    });
    expect((ops[1] as OpOfKind<'create-index'>).columns).toEqual(['lower(note)']);
    expect(ops[2]).toMatchObject({ kind: 'drop-index', indexes: [{ name: 'ix_orders_status' }], concurrently: true });
  });

  it('create_foreign_key(None, …) has no name; constraints keep theirs', async () => {
    const ops = await up(
      [
        'op.create_foreign_key(None, "orders", "users", ["approved_by_id"], ["id"])',
        'op.create_foreign_key("fk_orders_shop", "orders", "shops", ["shop_id"], ["id"], ondelete="SET NULL", referent_schema="catalog")',
        'op.create_unique_constraint("uq_users_email", "users", ["email"])',
        'op.create_check_constraint("ck_orders_total", "orders", "total_cents >= 0")',
        'op.create_check_constraint("ck_users_email", "users", sa.text("email IS NOT NULL"))',
        'op.create_check_constraint("ck_expr", "users", sa.column("age") > 0)',
        'op.create_primary_key("pk_events", "events", ["id"])',
        'op.drop_constraint("ck_orders_total", "orders", type_="check")',
      ].join('\n'),
    );
    const c = (i: number) => (ops[i] as OpOfKind<'add-constraint'>).constraint;
    expect(c(0).name).toBeUndefined();
    expect(c(0)).toMatchObject({ type: 'foreign-key', columns: ['approved_by_id'] });
    expect(c(1)).toMatchObject({
      name: 'fk_orders_shop',
      references: { table: { schema: 'catalog', name: 'shops' }, columns: ['id'] },
    });
    expect(c(2)).toMatchObject({ type: 'unique', name: 'uq_users_email', columns: ['email'] });
    expect(c(3)).toMatchObject({ type: 'check', name: 'ck_orders_total', notValid: false });
    expect(c(4)).toMatchObject({ type: 'check', checksNotNullOf: 'email' });
    // A SQLAlchemy expression object: known to be a CHECK, its condition kept as written.
    expect(c(5)).toMatchObject({ type: 'check', name: 'ck_expr', expression: 'sa.column("age") > 0' });
    expect(c(6)).toMatchObject({ type: 'primary-key', name: 'pk_events' });
    expect(ops[7]).toMatchObject({ kind: 'drop-constraint', table: { name: 'orders' }, name: 'ck_orders_total' });
  });
});

describe('create_table', () => {
  it('columns, inline and table constraints, indexes, enum type, SERIAL key', async () => {
    const ops = await up(`
op.create_table(
    "orders",
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", name="fk_orders_user"), nullable=False, index=True),
    sa.Column("status", sa.Enum("new", "paid", name="order_status"), server_default="new", nullable=False),
    sa.Column("email", sa.String(255), unique=True),
    sa.CheckConstraint("status <> ''", name="ck_orders_status"),
    sa.Index("ix_orders_status_email", "status", "email"),
    schema="shop",
)`);
    expect(ops.map((o) => o.kind)).toEqual(['other', 'create-table', 'create-index', 'create-index']);
    expect(ops[0]).toMatchObject({ statementType: 'CreateEnumStmt' });
    const t = ops[1] as OpOfKind<'create-table'>;
    expect(t.table).toEqual({ schema: 'shop', name: 'orders' });
    expect(t.columns.map((c) => [c.name, c.type.name, c.notNull, c.default?.text])).toEqual([
      ['id', 'serial', true, undefined],
      ['user_id', 'int8', true, undefined],
      ['status', 'order_status', true, "'new'"],
      ['email', 'varchar', false, undefined],
    ]);
    expect(t.constraints.map((c) => [c.type, c.name, c.columns])).toEqual([
      ['primary-key', undefined, ['id']],
      ['check', 'ck_orders_status', []],
      ['foreign-key', 'fk_orders_user', ['user_id']],
      ['unique', undefined, ['email']],
    ]);
    expect(ops[2]).toMatchObject({ name: 'ix_shop_orders_user_id', table: { schema: 'shop', name: 'orders' } });
    expect(ops[3]).toMatchObject({ name: 'ix_orders_status_email', columns: ['status', 'email'] });
    expect(new Set(ops.map((o) => o.span.line))).toEqual(new Set([UPGRADE_FIRST_LINE]));
    expect(ops[0]!.span.endLine).toBe(UPGRADE_FIRST_LINE + 9);
  });

  it('drop_table, rename_table, table comments', async () => {
    const ops = await up(
      'op.rename_table("customers", "clients", schema="crm")\nop.drop_table("legacy_events")\nop.create_table_comment("clients", "CRM clients")',
    );
    expect(ops[0]).toMatchObject({
      kind: 'rename-table',
      table: { schema: 'crm', name: 'customers' },
      newName: 'clients',
    });
    expect(ops[1]).toMatchObject({ kind: 'drop-table', tables: [{ name: 'legacy_events' }] });
    expect(ops[2]).toMatchObject({ kind: 'other', statementType: 'CommentStmt' });
  });
});

describe('op.execute: SQL inside Python strings', () => {
  it('positions point inside the string, through triple quotes and indentation', async () => {
    const ops = await up(
      'op.execute(\n    """\n    UPDATE users\n       SET plan = \'free\'\n     WHERE plan IS NULL;\n    CREATE INDEX ix_users_plan ON users (plan);\n    """\n)',
    );
    expect(ops.map((o) => [o.kind, o.span.line, o.span.column])).toEqual([
      ['data-change', UPGRADE_FIRST_LINE + 2, 9],
      ['create-index', UPGRADE_FIRST_LINE + 5, 9],
    ]);
    expect(ops[0]!.span.endLine).toBe(UPGRADE_FIRST_LINE + 4);
  });

  it('implicit concatenation, escapes and sa.text(), with exact columns', async () => {
    const ops = await up(
      [
        'op.execute(sa.text("ALTER TABLE users "',
        '                   "ADD CONSTRAINT ck_plan CHECK (plan <> \'\') NOT VALID"))',
        'op.execute("SELECT \'tab\\there\'; ALTER TABLE users VALIDATE CONSTRAINT ck_plan")',
        'op.execute("-- café ☕\\nALTER TABLE users ALTER COLUMN plan SET NOT NULL")',
      ].join('\n'),
    );
    expect(ops.map((o) => [o.kind, o.span.line, o.span.column])).toEqual([
      ['add-constraint', UPGRADE_FIRST_LINE, 25],
      ['data-change', UPGRADE_FIRST_LINE + 2, 17],
      // `\t` is two characters in the file, one in the SQL: the column is still the file's.
      ['validate-constraint', UPGRADE_FIRST_LINE + 2, 37],
      // the SQL comment ends at the `\n` escape; the statement starts right after it, on the same .py line
      ['set-not-null', UPGRADE_FIRST_LINE + 3, 28],
    ]);
    expect((ops[0] as OpOfKind<'add-constraint'>).constraint.notValid).toBe(true);
  });

  it('a syntax error in the SQL is a parse-error at its place in the .py file; the rest is still read', async () => {
    const m = await parseRevision(
      revisionSource(
        'op.drop_column("users", "a")\nop.execute("ALTER TABEL users ADD COLUMN a int")\nop.drop_column("users", "b")',
      ),
    );
    expect(m.diagnostics).toEqual([
      expect.objectContaining({
        rule: 'parse-error',
        message: stringContaining('TABEL'),
        span: objectContaining({ line: UPGRADE_FIRST_LINE + 1, column: 23 }),
      }),
    ]);
    expect(upgradeOps(m).map((o) => o.kind)).toEqual(['drop-column', 'drop-column']);
  });

  it('f-strings: constants are filled in, unknown fields read as names; unreadable SQL is an unknown op', async () => {
    const m = await parseRevision(
      revisionSource(
        'for table in TABLES:\n    op.execute(f"CREATE INDEX ix_{table}_tenant ON {table} (tenant_id)")\nop.execute(f"{verb} TABLE users")',
        'pass',
        'revision = "abc123"\ndown_revision = None\nTABLES = ["orders", "invoices"]\n',
      ),
    );
    expect(m.diagnostics).toEqual([]);
    const ops = upgradeOps(m);
    expect(ops.map((o) => o.kind)).toEqual(['create-index', 'create-index', 'unknown']);
    expect(ops[0]).toMatchObject({ name: 'ix_orders_tenant', table: { name: 'orders' } });
    expect(ops[1]).toMatchObject({ name: 'ix_invoices_tenant', table: { name: 'invoices' } });
    expect((ops[2] as OpOfKind<'unknown'>).reason).toContain('{verb}');
  });

  it('str.format(): known arguments are filled in (positional, numbered, keyword), others read as names; {{ }} are braces', async () => {
    const header = [
      'revision = "abc123"',
      'down_revision = None',
      'status_type = "delivery_status"',
      'ALTER_STATUS = "ALTER TABLE {table} ALTER COLUMN status TYPE {kind} USING status::text::{kind}"',
      'BACKFILL = """',
      "    UPDATE {} SET owner_id = '{}', settings = '{{}}'",
      '    WHERE owner_id IS NULL AND {}',
      '"""',
      '',
    ].join('\n');
    const m = await parseRevision(
      revisionSource(
        [
          'op.execute(ALTER_STATUS.format(table="deliveries", kind=status_type))',
          'op.execute(BACKFILL.format("projects", system_user["id"], extra_filter))',
          "op.execute(\"DELETE FROM audit_log WHERE tenant_id = '{0}' OR parent_id = '{0}'\".format(tenant.id))",
          'op.execute("INSERT INTO {} VALUES (1)".format(names[0]))',
        ].join('\n'),
        'pass',
        header,
      ),
    );
    expect(m.diagnostics).toEqual([]);
    const ops = upgradeOps(m);
    expect(ops.map((o) => o.kind)).toEqual(['alter-column-type', 'data-change', 'data-change', 'data-change']);
    expect(ops[0]).toMatchObject({ table: { name: 'deliveries' }, column: 'status' });
    expect((ops[0] as OpOfKind<'alter-column-type'>).newType).toMatchObject({ name: 'delivery_status' });
    // the WHERE is an argument's code: which rows it keeps is not known
    expect(ops[1]).toMatchObject({
      table: { name: 'projects' },
      statementType: 'UpdateStmt',
      assigns: ['owner_id', 'settings'],
    });
    // positions point into the template, where the clause is written (as for any SQL held in a constant)
    const source = revisionSource('pass', 'pass', header);
    expect(ops[1]!.span.line).toBe(source.slice(0, source.indexOf('UPDATE {}')).split('\n').length);
    expect(ops[2]).toMatchObject({ table: { name: 'audit_log' }, statementType: 'DeleteStmt' });
    // an unknown table name stands as a name built from the code, never as a long identifier
    expect(ops[3]).toMatchObject({ table: { name: '{names[0]}' } });
    const long = 'x'.repeat(70);
    const r = await lintText([
      {
        path: 'migrations/versions/abc123_backfill.py',
        text: revisionSource(`op.execute("UPDATE tenants SET plan = 'pro' WHERE id = {}".format(${long}))`),
      },
    ]);
    expect(r.findings.filter((f) => f.rule === 'identifier-too-long')).toEqual([]);
    expect(r.migrations[0]!.ops).toEqual([objectContaining({ kind: 'data-change', table: { name: 'tenants' } })]);
  });

  it('connection.execute() through op.get_bind() is read like op.execute()', async () => {
    const ops = await up(
      'conn = op.get_bind()\nconn.execute(sa.text("UPDATE users SET plan = :plan WHERE plan IS NULL"))\nop.get_bind().execute("DELETE FROM sessions")',
    );
    expect(ops.map((o) => [o.kind, (o as OpOfKind<'data-change'>).table?.name])).toEqual([
      ['data-change', 'users'],
      ['data-change', 'sessions'],
    ]);
  });

  it('SQLAlchemy statement objects and bulk_insert are data changes on their table', async () => {
    const ops = await up(
      'accounts = sa.table("accounts", sa.column("id"), sa.column("plan"))\nop.execute(accounts.update().where(accounts.c.plan == None).values(plan="free"))\nop.bulk_insert(accounts, [{"id": 1}, {"id": 2}])\nfree = op.get_bind().execute(accounts.select().where(accounts.c.plan == "free")).fetchall()\nids = op.get_bind().execute(sa.select(reflected.c.id)).scalars()',
    );
    expect(
      ops.map((o) => [
        o.kind,
        (o as OpOfKind<'data-change'>).statementType,
        (o as OpOfKind<'data-change'>).table?.name,
      ]),
    ).toEqual([
      ['data-change', 'UpdateStmt', 'accounts'],
      ['data-change', 'InsertStmt', 'accounts'],
      ['data-change', 'InsertStmt', 'accounts'],
      // a read kept in a variable (table.select()) is a read, not code the linter cannot follow
      ['data-change', 'SelectStmt', undefined],
      ['data-change', 'SelectStmt', undefined],
    ]);
    // Stand-ins for statements whose values are not known statically keep no SQL text to be run as is.
    expect(ops.map((o) => (o as { sql?: string }).sql)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('SQL from op.execute is kept as written (escapes decoded) for tools that run it', async () => {
    const ops = await up('op.execute("UPDATE users SET note = \'a\\tb\' WHERE id = 1")');
    expect((ops[0] as { sql?: string }).sql).toBe("UPDATE users SET note = 'a\tb' WHERE id = 1");
  });
});

describe('transactions and batch mode', () => {
  it('ops inside autocommit_block() run outside the transaction', async () => {
    const ops = await up(
      'op.create_index("ix_a", "t", ["a"], postgresql_concurrently=True)\nwith op.get_context().autocommit_block():\n    op.create_index("ix_b", "t", ["b"], postgresql_concurrently=True)\n    op.execute("ALTER TYPE mood ADD VALUE \'meh\'")\nop.drop_index("ix_c", table_name="t")',
    );
    expect(ops.map((o) => [o.kind, o.inTransaction])).toEqual([
      ['create-index', true],
      ['create-index', false],
      ['add-enum-value', false],
      ['drop-index', true],
    ]);
  });

  it('batch ops take the batch table, are marked, and run when the block ends (as Alembic does)', async () => {
    const ops = await up(
      'with op.batch_alter_table("orders", schema="shop") as batch_op:\n    batch_op.alter_column("note", existing_type=sa.String(500), nullable=False)\n    batch_op.create_foreign_key("fk_orders_user", "users", ["user_id"], ["id"])\n    op.execute("UPDATE shop.orders SET note = \'\' WHERE note IS NULL")\nop.drop_column("orders", "x")',
    );
    expect(ops.map((o) => [o.kind, o.inBatch ?? false, o.span.line])).toEqual([
      ['data-change', false, UPGRADE_FIRST_LINE + 3],
      ['set-not-null', true, UPGRADE_FIRST_LINE + 1],
      ['add-constraint', true, UPGRADE_FIRST_LINE + 2],
      ['drop-column', false, UPGRADE_FIRST_LINE + 4],
    ]);
    expect(ops[1]).toMatchObject({ table: { schema: 'shop', name: 'orders' }, column: 'note' });
  });

  it('recreate="always" copies the table even on PostgreSQL', async () => {
    const ops = await up(
      'with op.batch_alter_table("orders", recreate="always") as batch_op:\n    batch_op.drop_column("legacy")',
    );
    expect(ops.map((o) => o.kind)).toEqual([
      'create-table',
      'data-change',
      'drop-table',
      'rename-table',
      'drop-column',
    ]);
    expect(ops[2]).toMatchObject({ tables: [{ name: 'orders' }] });
  });
});

describe('code that is not a plain list of op calls', () => {
  it('dialect branches are decided for the target dialect', async () => {
    const body =
      'if op.get_context().dialect.name == "postgresql":\n    op.create_index("ix_a", "t", ["a"], postgresql_using="gin")\nelse:\n    with op.batch_alter_table("t") as b:\n        b.create_index("ix_a", ["a"])';
    expect((await up(body)).map((o) => [o.kind, o.inBatch ?? false])).toEqual([['create-index', false]]);
    expect((await up(body, 'sqlite')).map((o) => [o.kind, o.inBatch ?? false])).toEqual([['create-index', true]]);
    // Online mode is what runs against the database.
    expect(
      (await up('if not context.is_offline_mode():\n    op.execute("UPDATE t SET a = 1")')).map((o) => o.kind),
    ).toEqual(['data-change']);
  });

  it('also: helpers named after a database, the engine name and the database URL (values kept in names too)', async () => {
    const body = [
      'bind = op.get_bind()',
      'url = str(bind.engine.url)',
      'if url.startswith("mysql"):',
      '    rows = bind.execute("SELECT `TABLE_NAME` FROM `information_schema`.`COLUMNS`").fetchall()',
      'if is_postgres():',
      '    query = "INSERT INTO user_ratings (id) VALUES (:id) ON CONFLICT DO NOTHING"',
      'else:',
      '    query = "INSERT OR IGNORE INTO user_ratings (id) VALUES (:id)"',
      'session = orm.Session(bind=bind)',
      'session.execute(sa.text(query), {"id": 1})',
      'engine_name = bind.engine.name',
      'if engine_name == "sqlite":',
      '    op.drop_table("sqlite_sequence_copy")',
      'if bind.engine.url.drivername.startswith("postgresql+psycopg"):',
      '    op.execute("VACUUM user_ratings")',
    ].join('\n');
    const m = await parseRevision(revisionSource(body));
    expect(m.diagnostics).toEqual([]);
    expect(upgradeOps(m).map((o) => [o.kind, (o as OpOfKind<'data-change'>).table?.name])).toEqual([
      ['data-change', 'user_ratings'],
      ['other', 'user_ratings'],
    ]);
    const sqlite = await parseRevision(revisionSource(body), undefined, 'sqlite');
    expect(upgradeOps(sqlite).map((o) => o.kind)).toEqual(['drop-table']);
    // a revision whose upgrade is for MySQL only does nothing on PostgreSQL by design: not an empty migration
    const mysqlOnly = revisionSource(
      'url = str(op.get_bind().engine.url)\nif url.startswith("mysql"):\n    op.execute("ALTER TABLE `solves` MODIFY `date` DATETIME(6)")',
    );
    const r = await lintText([{ path: 'migrations/versions/abc123_mysql_precision.py', text: mysqlOnly }]);
    expect(r.migrations[0]!.ops).toEqual([]);
    expect(r.findings).toEqual([]);
  });

  it('helpers defined in the revision are followed with their arguments; loops over literals are unrolled', async () => {
    const m = await parseRevision(
      [
        'from alembic import op',
        'import sqlalchemy as sa',
        'revision = "abc123"',
        'down_revision = None',
        '',
        'def _audit_columns(table, nullable=True):',
        '    op.add_column(table, sa.Column("created_by", sa.Text(), nullable=nullable))',
        '',
        'def upgrade():',
        '    for name in ("orders", "invoices"):',
        '        _audit_columns(name, nullable=False)',
        '',
      ].join('\n'),
    );
    const ops = upgradeOps(m) as OpOfKind<'add-column'>[];
    expect(ops.map((o) => [o.table.name, o.column.notNull, o.span.line])).toEqual([
      ['orders', true, 7],
      ['invoices', true, 7],
    ]);
  });

  it('alembic-postgresql-enum: sync_enum_values re-creates the type and converts each column (a rewrite of its table)', async () => {
    const header =
      'from alembic_postgresql_enum import TableReference, ColumnType\nrevision = "abc123"\ndown_revision = "f00d"\n';
    const body = [
      'op.sync_enum_values(',
      '    enum_schema="public",',
      '    enum_name="orderstatus",',
      '    new_values=["open", "paid", "refunded"],',
      '    affected_columns=[',
      '        TableReference(table_schema="public", table_name="orders", column_name="status", existing_server_default="\'open\'::orderstatus"),',
      '        TableReference(table_name="order_events", column_name="statuses", column_type=ColumnType.ARRAY),',
      '        ("refunds", "status"),',
      '    ],',
      '    enum_values_to_rename=[],',
      ')',
    ].join('\n');
    const r = await lintText([
      { path: 'migrations/versions/abc123_refunded.py', text: revisionSource(body, 'pass', header) },
    ]);
    const ops = r.migrations[0]!.ops;
    const tableOf = (o: Operation) => ('table' in o && o.table ? o.table.name : '');
    expect(ops.map((o) => `${o.kind} ${tableOf(o)}`.trim())).toEqual([
      'other', // ALTER TYPE … RENAME TO orderstatus_old
      'other', // CREATE TYPE … AS ENUM
      'set-default orders', // DROP DEFAULT
      'alter-column-type orders',
      'set-default orders',
      'alter-column-type order_events',
      'alter-column-type refunds',
      'other', // DROP TYPE orderstatus_old
    ]);
    const source = revisionSource(body, 'pass', header);
    const callLine = source.slice(0, source.indexOf('op.sync_enum_values(')).split('\n').length;
    expect(new Set(ops.map((o) => o.span.line))).toEqual(new Set([callLine]));
    const rewrites = r.findings.filter((f) => f.rule === 'changing-column-type');
    expect(rewrites.map((f) => f.message)).toEqual([
      expect.stringContaining('orders.status'),
      expect.stringContaining('order_events.statuses'),
      expect.stringContaining('refunds.status'),
    ]);
  });

  it('alembic_utils entities: create/replace/drop_entity run the statements its classes render', async () => {
    const header = [
      'from alembic_utils.pg_function import PGFunction',
      'from alembic_utils.pg_trigger import PGTrigger',
      'from alembic_utils.pg_extension import PGExtension',
      'from alembic_utils.pg_view import PGView',
      'revision = "abc123"',
      'down_revision = None',
      '',
    ].join('\n');
    const body = [
      'trgm = PGExtension(schema="public", signature="pg_trgm")',
      'op.create_entity(trgm)',
      'touch = PGFunction(',
      '    schema="public",',
      '    signature="touch_updated_at()",',
      '    definition="RETURNS trigger AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$ LANGUAGE plpgsql",',
      ')',
      'op.create_entity(touch)',
      'on_orders = PGTrigger(',
      '    schema="public",',
      '    signature="orders_touch",',
      '    on_entity="public.orders",',
      '    is_constraint=False,',
      '    definition="BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at()",',
      ')',
      'op.replace_entity(on_orders)',
      'op.create_entity(PGView(schema="public", signature="open_orders", definition="SELECT id FROM orders WHERE closed_at IS NULL"))',
      'op.drop_entity(PGFunction(schema="public", signature="legacy_total(order_id bigint)", definition="RETURNS numeric AS $$ SELECT 0 $$ LANGUAGE sql"))',
      'op.create_entity(entity_from_elsewhere)',
    ].join('\n');
    const m = await parseRevision(revisionSource(body, 'pass', header));
    expect(m.diagnostics).toEqual([]);
    const ops = upgradeOps(m);
    expect(
      ops.map((o) => [
        o.kind,
        (o as { statementType?: string }).statementType,
        (o as OpOfKind<'data-change'>).table?.name,
      ]),
    ).toEqual([
      ['other', 'CreateExtensionStmt', undefined],
      ['other', 'CreateFunctionStmt', undefined],
      // replacing a trigger: alembic_utils drops it if it exists and creates it again, on the entity's schema
      ['other', 'DropStmt:OBJECT_TRIGGER', 'orders'],
      ['other', 'CreateTrigStmt', 'orders'],
      ['other', 'ViewStmt', 'open_orders'],
      ['other', 'DropStmt:OBJECT_FUNCTION', undefined],
      ['unknown', undefined, undefined],
    ]);
    expect(ops.slice(0, 6).every((o) => o.span.line >= UPGRADE_FIRST_LINE)).toBe(true);
    expect((ops[6] as OpOfKind<'unknown'>).reason).toContain('not an alembic_utils entity built in this file');
  });

  it('calls it cannot read become unknown ops with a reason; harmless calls are ignored', async () => {
    const ops = await up(
      [
        'print("migrating")',
        'op.add_column(table_name, sa.Column("x", sa.Text()))',
        'from myapp.migrations import add_audit_trigger',
        'add_audit_trigger(op, "orders")',
        'op.frobnicate("orders")',
        'op.create_index("ix_x", "orders", COLUMNS)',
      ].join('\n'),
    );
    expect(ops.map((o) => o.kind)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    const reasons = ops.map((o) => (o as OpOfKind<'unknown'>).reason);
    expect(reasons[0]).toContain('table name table_name is not known statically');
    expect(reasons[1]).toContain('given `op`');
    expect(reasons[2]).toContain('op.frobnicate() is not an operation');
    expect(reasons[3]).toContain('index column COLUMNS is not known statically');
    const dynamic = await up('op.add_column("t", sa.Column("x", sa.Text(), nullable=is_sqlite))');
    expect(dynamic.map((o) => o.kind)).toEqual(['unknown', 'add-column']);
    expect((dynamic[0] as OpOfKind<'unknown'>).reason).toContain('nullable=is_sqlite is not known statically');
    expect((ops[0] as OpOfKind<'unknown'>).call).toBe('op.add_column(table_name, sa.Column("x", sa.Text()))');
    expect(ops[0]!.span.line).toBe(UPGRADE_FIRST_LINE + 1);
  });

  it("a revision's own logger and the lists and sets it fills are not database calls; an ORM session's are, also when their result is kept", async () => {
    const m = await parseRevision(
      revisionSource(
        [
          'session = orm.Session(bind=op.get_bind())',
          'stale = []',
          'seen = set()',
          'for group in session.query(Group):',
          '    log.info("checking %s", group.pubid)',
          '    seen.add(group.pubid)',
          '    stale.append(group)',
          'session.add(Group(name="__world__"))',
          'session.commit()',
          'ids = session.execute(sa.text("DELETE FROM annotation WHERE deleted RETURNING id")).fetchall()',
          'other = sessionmaker()(bind=op.get_bind())',
          'gone = other.scalars(delete(Token).where(Token.expired)).all()',
        ].join('\n'),
        'pass',
        'import logging\nrevision = "abc123"\ndown_revision = None\nlog = logging.getLogger(__name__)\n',
      ),
    );
    expect(m.diagnostics).toEqual([]);
    const ops = upgradeOps(m);
    expect(
      ops.map((o) => (o.kind === 'unknown' ? o.call : `${o.kind} ${(o as OpOfKind<'data-change'>).table?.name}`)),
    ).toEqual([
      'session.add(Group(name="__world__"))',
      'session.commit()',
      // kept in a variable, a statement still runs: read when its SQL is given, else reported
      'data-change annotation',
      'other.scalars(delete(Token).where(Token.expired))',
    ]);
  });

  it('`from alembic import op as alembic_op` is the same operations object', async () => {
    const m = await parseRevision(
      'from alembic import op as alembic_op\nrevision = "r1"\ndown_revision = None\n\ndef upgrade():\n    alembic_op.drop_table("t")\n',
    );
    expect(m.ops.map((o) => o.kind)).toEqual(['drop-table']);
  });

  it('a Python syntax error is reported, and the readable calls are still read', async () => {
    const m = await parseRevision(
      revisionSource(
        'op.drop_column("users", "a")\nop.add_column("users", sa.Column("b", sa.Text())\nop.drop_column("users", "c")',
      ),
    );
    expect(m.diagnostics[0]).toMatchObject({
      rule: 'parse-error',
      message: stringContaining('Python syntax error'),
    });
    expect(upgradeOps(m).some((o) => o.kind === 'drop-column' && o.column === 'a')).toBe(true);
  });

  it('enum types created or dropped through the type object', async () => {
    const ops = await up(
      'status = postgresql.ENUM("new", "paid", name="order_status")\nstatus.create(op.get_bind(), checkfirst=False)\nsa.Enum(name="old_status").drop(op.get_bind(), checkfirst=True)',
    );
    expect(ops.map((o) => [o.kind, (o as OpOfKind<'other'>).statementType])).toEqual([
      ['other', 'CreateEnumStmt'],
      ['other', 'DropStmt:OBJECT_TYPE'],
    ]);
  });
});

describe('downgrade() facts for empty-downgrade', () => {
  const state = async (downgrade: string | undefined) => {
    const text =
      downgrade === undefined
        ? 'revision = "r1"\ndown_revision = None\n\ndef upgrade():\n    op.drop_table("t")\n'
        : revisionSource('op.drop_table("t")', downgrade);
    return (await parseRevision(text)).downgrade;
  };
  it('pass, a docstring or ... is empty; a raise is irreversible; ops are present; no function is absent', async () => {
    expect((await state('pass'))?.state).toBe('empty');
    expect((await state('"""Nothing to undo."""'))?.state).toBe('empty');
    expect((await state('...'))?.state).toBe('empty');
    expect((await state('# nothing\npass'))?.state).toBe('empty');
    expect((await state('raise NotImplementedError("data migration")'))?.state).toBe('irreversible');
    expect((await state('op.create_table("t", sa.Column("id", sa.Integer()))'))?.state).toBe('present');
    expect((await state(undefined))?.state).toBe('absent');
    const empty = await state('pass');
    expect(empty?.span).toMatchObject({ line: UPGRADE_FIRST_LINE + 3, column: 1 });
  });
});

describe('through the whole pipeline', () => {
  it('suppression comments in a revision cover the op call below them, and SQL comments inside op.execute work too', async () => {
    const text = revisionSource(
      [
        '# migration-lint: disable=require-concurrent-index-creation -- settings has 12 rows',
        'op.create_index(',
        '    "ix_settings_key",',
        '    "settings",',
        '    ["key"],',
        ')',
        'op.execute("""',
        '    -- migration-lint-disable-next-line require-concurrent-index-creation -- built off-hours',
        '    CREATE INDEX ix_settings_value ON settings (value);',
        '    CREATE INDEX ix_settings_owner ON settings (owner_id);',
        '""")',
      ].join('\n'),
    );
    const { findings } = await lintText([{ path: 'migrations/versions/abc123_settings.py', text }]);
    expect(
      findings.filter((f) => f.rule === 'require-concurrent-index-creation').map((f) => [f.line, f.column, f.revision]),
    ).toEqual([[UPGRADE_FIRST_LINE + 9, 9, 'abc123']]);
    expect(findings.filter((f) => f.rule === 'unused-suppression' || f.rule === 'suppression-missing-reason')).toEqual(
      [],
    );
  });

  it('the CLI lints a versions directory, skips env.py, and prints findings at .py positions', async () => {
    const { run } = await import('../../src/cli/main.js');
    let out = '';
    const io: CliIO = {
      cwd: process.cwd(),
      isTTY: false,
      stdout: (s: string) => void (out += s),
      stderr: (s: string) => void (out += s),
      readStdin: async () => Buffer.alloc(0),
    };
    const code = await run(['--format', 'json', 'fixtures/alembic/project'], io);
    expect(code).toBe(1);
    const report = JSON.parse(out) as { findings: { rule: string; file: string; line: number }[] };
    expect(report.findings.some((f) => f.file.endsWith('env.py'))).toBe(false);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        rule: 'adding-required-field',
        file: 'fixtures/alembic/project/migrations/versions/3b4c5d6e7f80_add_order_totals_and_plan.py',
        line: 22,
      }),
    );
  });
});

describe('line endings', () => {
  it('CRLF files: positions in the file and inside strings are the same as with LF', async () => {
    const lf = revisionSource(
      'op.add_column("t", sa.Column("c", sa.Text(), nullable=False))\nop.execute("""\n    UPDATE t SET c = \'x\';\n    CREATE INDEX ix_c ON t (c);\n""")',
    );
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = await parseRevision(lf);
    const b = await parseRevision(crlf);
    expect(b.diagnostics).toEqual([]);
    const where = (ops: Operation[]) => ops.map((o) => [o.kind, o.span.line, o.span.column, o.span.endLine]);
    expect(where(b.ops)).toEqual(where(a.ops));
    expect(where(b.ops).map((w) => w[1])).toEqual([UPGRADE_FIRST_LINE, UPGRADE_FIRST_LINE + 2, UPGRADE_FIRST_LINE + 3]);
  });
});

describe('--since: unchanged revisions are context', () => {
  it('graph checks and the schema state still see every revision; per-file findings only the changed one', async () => {
    const rev = (id: string, down: string, body: string) =>
      `from alembic import op\nimport sqlalchemy as sa\n\nrevision = "${id}"\ndown_revision = ${down}\n\n\ndef upgrade():\n    ${body}\n`;
    const files = [
      {
        path: 'versions/aaa111_users.py',
        text: rev(
          'aaa111',
          'None',
          'op.create_table("users", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("email", sa.String(200)))',
        ),
      },
      {
        path: 'versions/bbb222_old.py',
        text: rev('bbb222', '"aaa111"', 'op.create_index("ix_users_id2", "users", ["id"])'),
      },
      // the branch adds a revision on the same parent as an older one: a second head
      {
        path: 'versions/ccc333_new.py',
        text: rev('ccc333', '"aaa111"', 'op.alter_column("users", "email", type_=sa.Text())'),
      },
    ];
    const { lintSources, DEFAULT_OPTIONS } = await import('../../src/linter.js');
    const { findings } = await lintSources(
      files.map((f) => ({
        path: f.path,
        content: { ok: true as const, text: f.text },
        contextOnly: f.path !== 'versions/ccc333_new.py',
      })),
      DEFAULT_OPTIONS,
    );
    // The old revision's CREATE INDEX is not reported; the graph finding is, on both heads.
    expect(findings.filter((f) => f.rule === 'require-concurrent-index-creation')).toEqual([]);
    expect(
      findings
        .filter((f) => f.rule === 'multiple-heads')
        .map((f) => f.revision)
        .sort(),
    ).toEqual(['bbb222', 'ccc333']);
    // The changed revision is judged with the column type an unchanged revision created: varchar(200) → text is safe.
    expect(findings.filter((f) => f.rule === 'changing-column-type')).toEqual([]);
    expect(findings.every((f) => f.file === 'versions/ccc333_new.py' || f.rule === 'multiple-heads')).toBe(true);
  });
});
