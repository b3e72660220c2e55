/**
 * The SQL frontend (libpg-query → IR) for the statements the lock and constraint rules rely on, and
 * the mapping of the parser's UTF-8 byte offsets to 1-based line/column positions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Operation, OpOfKind, OperationKind } from '../src/ir/types.js';
import { initSqlParser, parseSql } from '../src/parsers/sql/parse-sql.js';
import { defaultFromSql, typeRefFromSql } from '../src/parsers/sql/fragments.js';

beforeAll(async () => {
  await initSqlParser();
});

function ops(sql: string): Operation[] {
  const result = parseSql(sql, { file: 'm.sql', direction: 'upgrade' });
  expect(result.diagnostics).toEqual([]);
  return result.ops;
}

function one<K extends OperationKind>(sql: string, kind: K): OpOfKind<K> {
  const list = ops(sql);
  expect(list.map((o) => o.kind)).toEqual([kind]);
  return list[0] as OpOfKind<K>;
}

describe('ALTER TABLE subcommands', () => {
  it('gives one op per action, sharing the statement index', () => {
    const list = ops(
      "ALTER TABLE public.users\n  ADD COLUMN plan text,\n  DROP COLUMN IF EXISTS legacy CASCADE,\n  ALTER COLUMN email SET NOT NULL,\n  ALTER COLUMN name DROP NOT NULL,\n  ALTER COLUMN plan SET DEFAULT 'free',\n  ALTER COLUMN bio DROP DEFAULT;",
    );
    expect(list.map((o) => o.kind)).toEqual([
      'add-column',
      'drop-column',
      'set-not-null',
      'drop-not-null',
      'set-default',
      'set-default',
    ]);
    expect(new Set(list.map((o) => o.statementIndex))).toEqual(new Set([0]));
    for (const o of list) expect((o as { table: unknown }).table).toEqual({ schema: 'public', name: 'users' });
    const drop = list[1] as OpOfKind<'drop-column'>;
    expect([drop.column, drop.ifExists, drop.cascade]).toEqual(['legacy', true, true]);
    expect((list[4] as OpOfKind<'set-default'>).default).toEqual({ text: "'free'", volatility: 'immutable' });
    expect((list[5] as OpOfKind<'set-default'>).default).toBeUndefined();
  });

  it('ALTER COLUMN TYPE keeps the new type, its modifiers and the USING expression', () => {
    const op = one(
      'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2) USING total::numeric(12,2);',
      'alter-column-type',
    );
    expect(op.column).toBe('total');
    expect(op.newType).toMatchObject({ name: 'numeric', modifiers: [12, 2], arrayDims: 0, text: 'numeric(12,2)' });
    expect(op.using).toBe('total::numeric(12,2)');
    expect(one('ALTER TABLE t ALTER c SET DATA TYPE varchar(20)[];', 'alter-column-type').newType).toMatchObject({
      name: 'varchar',
      modifiers: [20],
      arrayDims: 1,
    });
    expect(one('ALTER TABLE t ALTER c TYPE text;', 'alter-column-type').using).toBeUndefined();
  });

  it('ADD COLUMN carries NOT NULL, DEFAULT, identity, generated and inline constraints', () => {
    const op = one(
      'ALTER TABLE orders ADD COLUMN IF NOT EXISTS user_id bigint NOT NULL DEFAULT 0 CONSTRAINT orders_user_fk REFERENCES users (id) ON DELETE CASCADE CHECK (user_id >= 0);',
      'add-column',
    );
    expect(op.ifNotExists).toBe(true);
    expect(op.column).toMatchObject({
      name: 'user_id',
      notNull: true,
      primaryKey: false,
      unique: false,
      default: { text: '0', volatility: 'immutable' },
    });
    expect(op.column.type).toMatchObject({ name: 'int8', text: 'bigint' });
    expect(op.column.constraints).toEqual([
      {
        type: 'foreign-key',
        name: 'orders_user_fk',
        columns: ['user_id'],
        notValid: false,
        references: { table: { name: 'users' }, columns: ['id'] },
      },
      { type: 'check', columns: ['user_id'], notValid: false, expression: 'user_id >= 0' },
    ]);
    // In a multi-clause ALTER TABLE each inline constraint spans its own part of its clause.
    const [added] = parseSql(
      'ALTER TABLE orders\n  ADD COLUMN user_id bigint CONSTRAINT orders_user_fk REFERENCES users (id) CHECK (user_id >= 0),\n  DROP COLUMN legacy_user;',
      { file: 'm.sql', direction: 'upgrade' },
    ).ops;
    expect(added?.kind === 'add-column' && added.column.constraints.map((c) => c.span)).toEqual([
      { file: 'm.sql', line: 2, column: 29, endLine: 2, endColumn: 76 },
      { file: 'm.sql', line: 2, column: 77, endLine: 2, endColumn: 97 },
    ]);
    const pk = one('ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;', 'add-column').column;
    expect(pk).toMatchObject({ primaryKey: true, notNull: true, type: { name: 'bigserial' } });
    expect(pk.constraints.map((c) => c.type)).toEqual(['primary-key']);
    expect(one('ALTER TABLE t ADD COLUMN u text UNIQUE;', 'add-column').column.unique).toBe(true);
    expect(one('ALTER TABLE t ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;', 'add-column').column).toMatchObject({
      generated: 'identity',
      notNull: true,
    });
    expect(
      one('ALTER TABLE t ADD COLUMN n bigint GENERATED ALWAYS AS (id * 2) STORED;', 'add-column').column.generated,
    ).toBe('stored');
    expect(
      one('ALTER TABLE t ADD COLUMN n bigint GENERATED ALWAYS AS (id * 2) VIRTUAL;', 'add-column').column.generated,
    ).toBeUndefined();
  });
});

describe('constraints', () => {
  it('NOT VALID on CHECK, FOREIGN KEY and (PG 18) NOT NULL', () => {
    const check = one(
      'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;',
      'add-constraint',
    );
    expect(check.constraint).toEqual({
      type: 'check',
      name: 'users_email_nn',
      columns: [],
      notValid: true,
      expression: 'email IS NOT NULL',
      checksNotNullOf: 'email',
    });
    const fk = one(
      'ALTER TABLE orders ADD FOREIGN KEY (user_id, tenant_id) REFERENCES app.users (id, tenant_id) NOT VALID;',
      'add-constraint',
    );
    expect(fk.constraint).toEqual({
      type: 'foreign-key',
      columns: ['user_id', 'tenant_id'],
      notValid: true,
      references: { table: { schema: 'app', name: 'users' }, columns: ['id', 'tenant_id'] },
    });
    const nn = one('ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;', 'add-constraint');
    expect(nn.constraint).toMatchObject({ type: 'not-null', columns: ['email'], notValid: true });
    expect(one('ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0);', 'add-constraint').constraint.notValid).toBe(
      false,
    );
  });

  it('CHECK (col IS NOT NULL) is recognised only in that exact form', () => {
    expect(
      one('ALTER TABLE t ADD CHECK (a IS NOT NULL AND b > 0);', 'add-constraint').constraint.checksNotNullOf,
    ).toBeUndefined();
    expect(one('ALTER TABLE t ADD CHECK (a IS NULL);', 'add-constraint').constraint.checksNotNullOf).toBeUndefined();
  });

  it('UNIQUE / PRIMARY KEY with and without USING INDEX', () => {
    expect(
      one('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', 'add-constraint').constraint,
    ).toEqual({ type: 'unique', name: 'users_email_key', columns: ['email'], notValid: false });
    expect(
      one('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;', 'add-constraint')
        .constraint,
    ).toMatchObject({ type: 'unique', usingIndex: 'users_email_idx', columns: [] });
    expect(
      one('ALTER TABLE users ADD PRIMARY KEY USING INDEX users_id_idx;', 'add-constraint').constraint,
    ).toMatchObject({ type: 'primary-key', usingIndex: 'users_id_idx' });
    expect(one('ALTER TABLE m ADD PRIMARY KEY (org_id, user_id);', 'add-constraint').constraint).toMatchObject({
      type: 'primary-key',
      columns: ['org_id', 'user_id'],
    });
  });

  it('VALIDATE and DROP CONSTRAINT', () => {
    expect(one('ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;', 'validate-constraint')).toMatchObject({
      table: { name: 'orders' },
      name: 'orders_user_fk',
    });
    expect(
      one('ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_user_fk CASCADE;', 'drop-constraint'),
    ).toMatchObject({ name: 'orders_user_fk', ifExists: true, cascade: true });
  });

  it('CREATE TABLE collects column and table constraints', () => {
    const op = one(
      'CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), amount numeric(10,2), CONSTRAINT amount_nn CHECK (amount IS NOT NULL));',
      'create-table',
    );
    expect(op.columns.map((c) => c.name)).toEqual(['id', 'order_id', 'amount']);
    expect(op.columns[1]!.constraints[0]).toMatchObject({
      type: 'foreign-key',
      references: { table: { name: 'orders' } },
    });
    expect(op.constraints).toEqual([
      {
        type: 'check',
        name: 'amount_nn',
        columns: [],
        notValid: false,
        expression: 'amount IS NOT NULL',
        checksNotNullOf: 'amount',
        span: { file: 'm.sql', line: 1, column: 109, endLine: 1, endColumn: 156 },
      },
    ]);
  });
});

describe('default volatility', () => {
  const volatility = (expr: string) =>
    one(`ALTER TABLE t ADD COLUMN c text DEFAULT ${expr};`, 'add-column').column.default;
  it.each([
    ['gen_random_uuid()', 'volatile', ['gen_random_uuid']],
    ['random()', 'volatile', ['random']],
    ['clock_timestamp()', 'volatile', ['clock_timestamp']],
    ["nextval('s'::regclass)", 'volatile', ['nextval']],
    ['(random() * 10)::int', 'volatile', ['random']],
    ['(SELECT max(id) FROM other)', 'volatile', undefined],
    ['now()', 'stable', undefined],
    ['CURRENT_TIMESTAMP', 'stable', undefined],
    ['current_user', 'stable', undefined],
    ["'free'", 'immutable', undefined],
    ["lower('ABC')", 'immutable', undefined],
    ["'{}'::jsonb", 'immutable', undefined],
    ['my_schema.next_code()', 'unknown', ['next_code']],
  ])('%s is %s', (expr, v, fns) => {
    const d = volatility(expr)!;
    expect(d.volatility).toBe(v);
    if (fns) expect(d.functions).toEqual(fns);
  });
  it('renders the expression for messages', () => {
    expect(volatility('CURRENT_TIMESTAMP')!.text).toBe('CURRENT_TIMESTAMP');
    expect(volatility("nextval('s'::regclass)")!.text).toBe("nextval('s'::regclass)");
  });
});

describe('types and modifiers', () => {
  const typeOf = (t: string) => one(`ALTER TABLE t ALTER COLUMN c TYPE ${t};`, 'alter-column-type').newType;
  it.each([
    ['varchar(255)', 'varchar', [255], 'varchar(255)'],
    ['character varying(50)', 'varchar', [50], 'varchar(50)'],
    ['text', 'text', [], 'text'],
    ['numeric(10,2)', 'numeric', [10, 2], 'numeric(10,2)'],
    ['decimal(10)', 'numeric', [10], 'numeric(10)'],
    ['numeric(10,0)', 'numeric', [10, 0], 'numeric(10,0)'],
    ['integer', 'int4', [], 'integer'],
    ['bigint', 'int8', [], 'bigint'],
    ['double precision', 'float8', [], 'double precision'],
    ['timestamp(3) with time zone', 'timestamptz', [3], 'timestamptz(3)'],
    ['timestamp without time zone', 'timestamp', [], 'timestamp'],
    ['char(5)', 'bpchar', [5], 'char(5)'],
    ['bit varying(5)', 'varbit', [5], 'varbit(5)'],
    ['cidr', 'cidr', [], 'cidr'],
  ])('%s → %s %j', (t, name, modifiers, text) => {
    expect(typeOf(t)).toMatchObject({ name, modifiers, text, arrayDims: 0 });
  });
  it('keeps array dimensions and a non-catalog schema', () => {
    expect(typeOf('int[][]')).toMatchObject({ name: 'int4', arrayDims: 2, text: 'integer[][]' });
    expect(typeOf('public.citext')).toMatchObject({ name: 'citext', schema: 'public' });
  });
  it('typeRefFromSql and defaultFromSql normalise like the SQL frontend', () => {
    expect(typeRefFromSql('character varying(255)')).toEqual(typeOf('varchar(255)'));
    expect(typeRefFromSql('timestamp with time zone')).toEqual(typeOf('timestamptz'));
    expect(defaultFromSql('now()')).toEqual({ text: 'now()', volatility: 'stable' });
    expect(defaultFromSql('gen_random_uuid()')).toMatchObject({ volatility: 'volatile' });
    expect(defaultFromSql('not sql at all (')).toMatchObject({ volatility: 'unknown' });
  });
});

describe('index, setting and transaction statements', () => {
  it('CREATE/DROP INDEX and REINDEX with CONCURRENTLY', () => {
    expect(
      one(
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (lower(email)) WHERE deleted_at IS NULL;',
        'create-index',
      ),
    ).toMatchObject({
      name: 'users_email_key',
      unique: true,
      concurrently: true,
      ifNotExists: true,
      columns: ['lower(email)'],
      where: 'deleted_at IS NULL',
    });
    expect(one('DROP INDEX CONCURRENTLY IF EXISTS app.users_email_key;', 'drop-index')).toMatchObject({
      indexes: [{ schema: 'app', name: 'users_email_key' }],
      concurrently: true,
      ifExists: true,
    });
    expect(one('DROP INDEX a_idx, b_idx CASCADE;', 'drop-index')).toMatchObject({
      indexes: [{ name: 'a_idx' }, { name: 'b_idx' }],
      concurrently: false,
      cascade: true,
    });
    expect(one('REINDEX INDEX CONCURRENTLY users_pkey;', 'reindex')).toMatchObject({
      target: 'index',
      name: { name: 'users_pkey' },
      concurrently: true,
    });
    expect(one('REINDEX TABLE users;', 'reindex')).toMatchObject({ target: 'table', concurrently: false });
  });
  it('SET / SET LOCAL / RESET lock_timeout', () => {
    expect(one("SET lock_timeout = '2s';", 'set-setting')).toMatchObject({
      name: 'lock_timeout',
      value: "'2s'",
      local: false,
    });
    expect(one('SET LOCAL lock_timeout TO 0;', 'set-setting')).toMatchObject({
      name: 'lock_timeout',
      value: '0',
      local: true,
    });
    expect(one('RESET lock_timeout;', 'set-setting').value).toBeUndefined();
    expect(one("SET TIME ZONE 'UTC';", 'set-setting')).toMatchObject({ name: 'timezone', value: "'UTC'" });
  });
  it('BEGIN / COMMIT / ROLLBACK', () => {
    expect(
      ops('BEGIN; START TRANSACTION; COMMIT; ROLLBACK; END;').map((o) => (o as OpOfKind<'transaction'>).action),
    ).toEqual(['begin', 'begin', 'commit', 'rollback', 'commit']);
  });
});

describe('positions', () => {
  it('a statement spans its first token to its last, after comments and blank lines (end exclusive, no semicolon)', () => {
    const sql = '-- migrate users\n/* block\n   comment */\n\n  ALTER TABLE users ADD COLUMN plan text;\n';
    const [op] = ops(sql);
    expect(op!.span).toMatchObject({ line: 5, column: 3, endLine: 5, endColumn: 41 });
    expect(sql.split('\n')[4]!.slice(op!.span.column - 1, op!.span.endColumn - 1)).toBe(
      'ALTER TABLE users ADD COLUMN plan text',
    );
  });

  it('maps UTF-8 byte offsets to UTF-16 columns with non-ASCII identifiers and comments', () => {
    const sql = [
      '-- Größe der Bestellungen, 注文 🚀',
      'ALTER TABLE "bestellungen_größe" ADD COLUMN "straße" text; ALTER TABLE "注文" ADD COLUMN "数量" int;',
      '/* ✓ */ CREATE INDEX "idx_😀" ON "注文" ("数量");',
    ].join('\n');
    const list = ops(sql);
    expect(list.map((o) => [o.kind, o.span.line, o.span.column])).toEqual([
      ['add-column', 2, 1],
      ['add-column', 2, 60],
      ['create-index', 3, 9],
    ]);
    const lines = sql.split('\n');
    // Columns count UTF-16 code units: slicing the line at the column gives the statement text.
    expect(lines[1]!.slice(list[1]!.span.column - 1)).toBe('ALTER TABLE "注文" ADD COLUMN "数量" int;');
    expect(lines[2]!.slice(list[2]!.span.column - 1, list[2]!.span.endColumn - 1)).toBe(
      'CREATE INDEX "idx_😀" ON "注文" ("数量")',
    );
    expect((list[0] as OpOfKind<'add-column'>).table.name).toBe('bestellungen_größe');
    expect((list[2] as OpOfKind<'create-index'>).name).toBe('idx_😀');
  });

  it('CRLF line endings', () => {
    const list = ops('-- a\r\nALTER TABLE t ADD COLUMN a int;\r\n\r\nALTER TABLE t ADD COLUMN b int;\r\n');
    expect(list.map((o) => [o.span.line, o.span.column])).toEqual([
      [2, 1],
      [4, 1],
    ]);
  });

  it('a syntax error is reported at its position and the other statements are still translated', () => {
    const sql =
      '-- ünïcödé\nALTER TABLE users ADD COLUMN plan text;\nALTER TABLE users ADD COLUMN ☃ broken(;\nCREATE INDEX CONCURRENTLY i ON users (plan);';
    const result = parseSql(sql, { file: 'm.sql', direction: 'upgrade' });
    expect(result.ops.map((o) => [o.kind, o.span.line])).toEqual([
      ['add-column', 2],
      ['create-index', 4],
    ]);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]!.span.line).toBe(3);
    expect(result.statements).toBe(3);
  });

  it('maps positions through a locator for SQL embedded in another file', () => {
    const host = 'await knex.raw(`\n    ALTER TABLE "ä" ADD COLUMN b int;\n`);';
    const start = host.indexOf('`') + 1;
    const body = host.slice(start, host.lastIndexOf('`'));
    const lineStarts = [0, ...Array.from(host).flatMap((ch, i) => (ch === '\n' ? [i + 1] : []))];
    const locate = (o: number) => {
      const abs = start + o;
      const line = lineStarts.filter((s) => s <= abs).length;
      return { line, column: abs - lineStarts[line - 1]! + 1 };
    };
    const [op] = parseSql(body, { file: 'x.ts', direction: 'upgrade', locate }).ops;
    expect(op!.span).toMatchObject({ file: 'x.ts', line: 2, column: 5 });
  });
});

describe('what data changes read and write, and relations views create', () => {
  it('UPDATE: the columns it sets, the columns it reads, the tables it touches', () => {
    const op = one(
      'UPDATE "Invoice" i SET "status_new" = i."status"::"InvoiceStatus" FROM accounts a WHERE a.id = i."accountId" AND a.active;',
      'data-change',
    );
    expect(op.assigns).toEqual(['status_new']);
    expect([...op.reads!].sort()).toEqual(['accountId', 'active', 'id', 'status']);
    expect(op.sources).toEqual([{ name: 'accounts' }, { name: 'Invoice' }]);
    expect(op.rowsFromQuery).toBeUndefined();
  });

  it('INSERT … SELECT and COPY FROM bring rows from a query; INSERT … VALUES does not', () => {
    const copied = one(
      "INSERT INTO archive.orders (id, total) SELECT id, total FROM orders WHERE placed_at < now() - interval '1 year';",
      'data-change',
    );
    expect(copied).toMatchObject({
      table: { schema: 'archive', name: 'orders' },
      assigns: ['id', 'total'],
      rowsFromQuery: true,
    });
    expect(copied.reads).toEqual(expect.arrayContaining(['id', 'total', 'placed_at']));
    expect(one("COPY zip_codes FROM '/data/zip.csv' WITH (FORMAT csv);", 'data-change').rowsFromQuery).toBe(true);
    expect(one('COPY zip_codes TO STDOUT;', 'data-change').rowsFromQuery).toBeUndefined();
    expect(one("INSERT INTO plans (code) VALUES ('free'), ('pro');", 'data-change').rowsFromQuery).toBeUndefined();
  });

  it('CREATE VIEW and CREATE MATERIALIZED VIEW name the relation they create', () => {
    expect(one('CREATE VIEW reporting.active_users AS SELECT * FROM users WHERE active;', 'other')).toMatchObject({
      table: { schema: 'reporting', name: 'active_users' },
      createsRelation: 'view',
    });
    expect(one('CREATE MATERIALIZED VIEW daily AS SELECT 1 AS n WITH NO DATA;', 'other')).toMatchObject({
      table: { name: 'daily' },
      createsRelation: 'materialized-view',
    });
  });
});

describe('names over 63 bytes', () => {
  const long = (sql: string) =>
    parseSql(sql, { file: 'm.sql', direction: 'upgrade' }).ops.map((o) => [
      o.statementIndex,
      o.longIdentifiers?.map((l) => `${l.text}@${l.span.line}:${l.span.column}-${l.span.endColumn}`),
    ]);

  it('finds them in the statement that holds them, whatever the rest of the file holds', () => {
    const name64 = 'a'.repeat(64);
    const quoted64 = `"${'Q'.repeat(64)}"`;
    expect(
      long(
        [
          `CREATE TABLE t ("${'b'.repeat(63)}" int, ${'c'.repeat(63)} int);`,
          `ALTER TABLE t ADD COLUMN ${name64} text;`,
          `ALTER TABLE t ADD COLUMN ${quoted64} text DEFAULT '${'x'.repeat(100)}';`,
          `COMMENT ON TABLE t IS '${'y'.repeat(100)}';`,
          `-- ${'z'.repeat(80)}\nALTER TABLE t ADD COLUMN "é${'e'.repeat(62)}" text;`,
        ].join('\n'),
      ),
    ).toEqual([
      [0, undefined],
      [1, [`${name64}@2:26-90`]],
      [2, [`${'Q'.repeat(64)}@3:26-92`]],
      [3, undefined],
      [4, [`é${'e'.repeat(62)}@6:26-91`]],
    ]);
  });

  it('finds a name of 64 wherever it falls in the text, and none of 63', () => {
    // Padding moves the name through every offset modulo 64.
    for (let pad = 0; pad < 64; pad++) {
      const name = 'd'.repeat(64);
      const sql = `CREATE TABLE t (${' '.repeat(pad)}${name} int, ${' '.repeat(pad)}${'e'.repeat(63)} int);`;
      const at = sql.indexOf(name) + 1;
      expect(long(sql), `padding ${pad}`).toEqual([[0, [`${name}@1:${at}-${at + 64}`]]]);
    }
  });

  it('counts a quoted name up to its closing quote, not past the end of the statement', () => {
    // 63 characters inside the quotes, then a long run of text after the statement.
    expect(long(`DROP TABLE "${'q'.repeat(63)}";\nSELECT 1 /* ${'w'.repeat(70)} */;`)).toEqual([
      [0, undefined],
      [1, undefined],
    ]);
  });
});
