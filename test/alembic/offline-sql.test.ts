/**
 * `alembic upgrade/downgrade … --sql` output read by the SQL frontend: statements attributed to
 * their revision (merge and base headers included), Alembic's own BEGIN/COMMIT framing and
 * `alembic_version` bookkeeping left out after setting each op's transaction state, and one
 * migration per revision in a run. The samples are Alembic 1.8's output for revisions like the
 * fixture project's (test/alembic/real-alembic.test.ts runs Alembic itself).
 */
import { describe, expect, it } from 'vitest';
import { alembicSql } from '../../src/parsers/formats/alembic-sql.js';
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';
import { lintText } from './helpers.js';

const UPGRADE = `BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 1f2a3b4c5d6e

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY, 
    email TEXT NOT NULL, 
    PRIMARY KEY (id)
);

CREATE INDEX ix_users_email ON users (email);

INSERT INTO alembic_version (version_num) VALUES ('1f2a3b4c5d6e') RETURNING alembic_version.version_num;

-- Running upgrade 1f2a3b4c5d6e -> 6e7f80910213

COMMIT;

CREATE INDEX CONCURRENTLY ix_users_created_at ON users (created_at);

BEGIN;

CREATE INDEX ix_users_plan ON users (plan);

UPDATE alembic_version SET version_num='6e7f80910213' WHERE alembic_version.version_num = '1f2a3b4c5d6e';

-- Running upgrade 1f2a3b4c5d6e -> 5d6e7f809102

CREATE INDEX CONCURRENTLY ix_users_name ON users (name);

INSERT INTO alembic_version (version_num) VALUES ('5d6e7f809102') RETURNING alembic_version.version_num;

-- Running upgrade 5d6e7f809102, 6e7f80910213 -> 7f8091021324

ALTER TABLE users ADD COLUMN nickname TEXT;

DELETE FROM alembic_version WHERE alembic_version.version_num = '5d6e7f809102';

UPDATE alembic_version SET version_num='7f8091021324' WHERE alembic_version.version_num = '6e7f80910213';

COMMIT;
`;

describe('alembic upgrade --sql output', () => {
  it('is detected by its headers', () => {
    expect(alembicSql.detect({ path: 'upgrade.sql', text: UPGRADE })).toBeGreaterThan(0);
    expect(alembicSql.detect({ path: 'm.sql', text: 'CREATE TABLE t (id int);' })).toBe(0);
  });

  it('attributes statements to revisions (merge and base headers too) and leaves out the bookkeeping and framing', async () => {
    await initSqlParser();
    const [m] = await alembicSql.parse(
      { path: 'upgrade.sql', text: UPGRADE },
      { assumeInTransaction: false, dialect: 'postgresql' },
    );
    if (!m) throw new Error('no migration');
    expect(m.transaction).toBe('wrapped');
    expect(m.ops.map((o) => [o.kind, o.revision, o.inTransaction, o.span.line])).toEqual([
      ['create-table', '1f2a3b4c5d6e', true, 10],
      ['create-index', '1f2a3b4c5d6e', true, 16],
      // COMMIT … BEGIN of an autocommit_block(): the index between them runs outside the transaction
      ['create-index', '6e7f80910213', false, 24],
      ['create-index', '6e7f80910213', true, 28],
      ['create-index', '5d6e7f809102', true, 34],
      ['add-column', '7f8091021324', true, 40],
    ]);
  });

  it('in a run, each revision is its own migration, with its parents', async () => {
    const { migrations, findings } = await lintText([{ path: 'upgrade.sql', text: UPGRADE }]);
    expect(migrations.map((m) => [m.revision, m.parents, m.ops.length])).toEqual([
      ['1f2a3b4c5d6e', [], 2],
      ['6e7f80910213', ['1f2a3b4c5d6e'], 2],
      ['5d6e7f809102', ['1f2a3b4c5d6e'], 1],
      ['7f8091021324', ['5d6e7f809102', '6e7f80910213'], 1],
    ]);
    // users was created by an earlier revision, not this one: CREATE INDEX on it is flagged; inside the
    // first revision the table is new and the index is not.
    const plain = findings.filter((f) => f.rule === 'require-concurrent-index-creation');
    expect(plain.map((f) => [f.revision, f.line])).toEqual([['6e7f80910213', 28]]);
    // CONCURRENTLY while Alembic's transaction is open (no autocommit_block) is reported with its revision.
    const inTx = findings.filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction');
    expect(inTx.map((f) => [f.revision, f.line])).toEqual([['5d6e7f809102', 34]]);
    // Alembic's own BEGIN/COMMIT are not the migration's transaction statements.
    expect(
      findings.filter((f) => f.rule === 'transaction-nesting' || f.rule === 'ban-uncommitted-transaction'),
    ).toEqual([]);
    expect(findings.every((f) => f.revision !== undefined)).toBe(true);
  });

  it('transaction_per_migration output (BEGIN/COMMIT around each revision)', async () => {
    const text = `BEGIN;

-- Running upgrade 3b4c5d6e7f80 -> 4c5d6e7f8091

ALTER TABLE orders ADD COLUMN approved_by_id BIGINT;

UPDATE alembic_version SET version_num='4c5d6e7f8091' WHERE alembic_version.version_num = '3b4c5d6e7f80';

COMMIT;

BEGIN;

-- Running upgrade 4c5d6e7f8091 -> 6e7f80910213

COMMIT;

CREATE INDEX CONCURRENTLY ix_orders_created_at ON orders (created_at);

BEGIN;

UPDATE alembic_version SET version_num='6e7f80910213' WHERE alembic_version.version_num = '4c5d6e7f8091';

COMMIT;
`;
    const { migrations } = await lintText([{ path: 'upgrade.sql', text }]);
    expect(migrations.map((m) => [m.revision, m.ops.map((o) => [o.kind, o.inTransaction])])).toEqual([
      ['4c5d6e7f8091', [['add-column', true]]],
      ['6e7f80910213', [['create-index', false]]],
    ]);
  });

  it('a COMMIT the revision itself runs (op.execute("COMMIT")) is kept', async () => {
    const text = `BEGIN;

-- Running upgrade  -> aa

ALTER TABLE orders ADD COLUMN a INT;

COMMIT;

CREATE INDEX CONCURRENTLY ix_a ON orders (a);

INSERT INTO alembic_version (version_num) VALUES ('aa') RETURNING alembic_version.version_num;

COMMIT;
`;
    const { migrations } = await lintText([{ path: 'upgrade.sql', text }]);
    expect(migrations[0]!.ops.map((o) => [o.kind, o.inTransaction])).toEqual([
      ['add-column', true],
      ['transaction', true],
      ['create-index', false],
    ]);
  });
});

describe('suppressions in offline SQL', () => {
  it('apply to the statement after them, and an unused one is reported once, not once per revision', async () => {
    const text = `BEGIN;

-- Running upgrade  -> aa

ALTER TABLE orders ADD COLUMN a BIGINT;

-- Running upgrade aa -> bb

-- migration-lint-disable-next-line require-concurrent-index-creation -- orders has 40 rows
CREATE INDEX ix_b ON orders (b);

-- migration-lint-disable-next-line ban-drop-table -- nothing is dropped here
CREATE INDEX ix_c ON orders (c);

-- Running upgrade bb -> cc

ALTER TABLE orders ADD COLUMN d BIGINT;

COMMIT;
`;
    const { findings } = await lintText([{ path: 'upgrade.sql', text }]);
    expect(findings.filter((f) => f.rule === 'require-concurrent-index-creation').map((f) => f.line)).toEqual([13]);
    expect(findings.filter((f) => f.rule === 'unused-suppression').map((f) => f.line)).toEqual([12]);
  });
});

describe('alembic downgrade --sql output', () => {
  it('attributes each section to the revision being undone, as downgrade ops; DROP TABLE alembic_version is bookkeeping', async () => {
    const text = `BEGIN;

-- Running downgrade 7f8091021324 -> 5d6e7f809102, 6e7f80910213

INSERT INTO alembic_version (version_num) VALUES ('5d6e7f809102') RETURNING alembic_version.version_num;

UPDATE alembic_version SET version_num='6e7f80910213' WHERE alembic_version.version_num = '7f8091021324';

-- Running downgrade 6e7f80910213 -> 1f2a3b4c5d6e

DROP INDEX ix_users_plan;

UPDATE alembic_version SET version_num='1f2a3b4c5d6e' WHERE alembic_version.version_num = '6e7f80910213';

-- Running downgrade 1f2a3b4c5d6e -> 

DROP TABLE users;

DELETE FROM alembic_version WHERE alembic_version.version_num = '1f2a3b4c5d6e';

DROP TABLE alembic_version;

COMMIT;
`;
    const { migrations, findings } = await lintText([{ path: 'downgrade.sql', text }], { checkDowngrade: true });
    expect(migrations.map((m) => [m.revision, m.ops.map((o) => [o.kind, o.direction])])).toEqual([
      ['6e7f80910213', [['drop-index', 'downgrade']]],
      ['1f2a3b4c5d6e', [['drop-table', 'downgrade']]],
    ]);
    expect(findings.find((f) => f.rule === 'ban-drop-table')).toMatchObject({
      revision: '1f2a3b4c5d6e',
      line: 17,
      direction: 'downgrade',
    });
  });

  it('a syntax error is reported once, and the other revisions are still linted', async () => {
    const text = `BEGIN;

-- Running upgrade  -> aa

ALTER TABLE orders ADD COLUMN a INT;

-- Running upgrade aa -> bb

ALTER TABLE orders ADD COLUM b INT;

-- Running upgrade bb -> cc

CREATE INDEX ix_b ON orders (b);

COMMIT;
`;
    const { findings } = await lintText([{ path: 'upgrade.sql', text }]);
    expect(findings.filter((f) => f.rule === 'parse-error').map((f) => f.line)).toEqual([9]);
    expect(findings.find((f) => f.rule === 'require-concurrent-index-creation')).toMatchObject({
      revision: 'cc',
      line: 13,
    });
  });
});
