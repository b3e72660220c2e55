/**
 * env.py, read statically: target_metadata's naming_convention names the constraints Alembic's
 * operations create without a name (checked against what real `alembic upgrade --sql` prints), and
 * context.configure()'s transactional_ddl / transaction_per_migration set the transaction model.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALEMBIC_AVAILABLE, SKIP_REASON, lintFiles, runAlembic } from './helpers.js';
import { readEnvConfig } from '../../src/parsers/alembic/env-config.js';

const projects: string[] = [];
afterAll(() => {
  for (const p of projects) rmSync(p, { recursive: true, force: true });
});

/** A project directory with the given files (paths relative to it). */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ml-env-'));
  projects.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const INI = '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://deploy@localhost/shop\n';

/** An env.py shaped like `alembic init`'s, importing the models' Base from the application package. */
function envPy(configureExtra = '', imports = 'from shop.models import Base\n', target = 'Base.metadata'): string {
  return `import os
import sys
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
${imports}
config = context.config
target_metadata = ${target}


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True${configureExtra})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata${configureExtra})
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
`;
}

// SQLAlchemy 2's `class Base(DeclarativeBase): metadata = MetaData(naming_convention=…)` reads the same;
// this is the 1.4 form, which Debian's SQLAlchemy (1.4) runs in the differential test.
const MODELS_BASE = `from sqlalchemy import MetaData
from sqlalchemy.orm import declarative_base

from .conventions import NAMING

Base = declarative_base(metadata=MetaData(naming_convention=NAMING))
`;
const CONVENTIONS = `NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
`;

const REVISION = `"""order owner

Revision ID: 7a1c2b3d4e5f
Revises:
Create Date: 2024-05-02 10:11:12.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "7a1c2b3d4e5f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("owner_id", sa.Integer(), nullable=True))
    op.create_foreign_key(None, "orders", "users", ["owner_id"], ["id"])
    op.create_unique_constraint(None, "orders", ["shop_id", "reference"])
    op.create_primary_key(None, "order_notes", ["id"])
    op.execute("ALTER TABLE orders ADD FOREIGN KEY (coupon_id) REFERENCES coupons (id)")


def downgrade() -> None:
    op.drop_constraint("uq_orders_shop_id_reference", "orders", type_="unique")
    op.drop_constraint("fk_orders_owner_id_users", "orders", type_="foreignkey")
    op.drop_column("orders", "owner_id")
`;

/** The models live in a package (`shop/models/__init__.py` re-exports Base from `shop/models/base.py`). */
function conventionProject(): string {
  return project({
    'alembic.ini': INI,
    'migrations/env.py': envPy(),
    'migrations/versions/7a1c2b3d4e5f_order_owner.py': REVISION,
    'shop/__init__.py': '',
    'shop/models/__init__.py': 'from .base import Base\nfrom .order import Order  # noqa: F401\n',
    'shop/models/base.py': MODELS_BASE,
    'shop/models/conventions.py': CONVENTIONS,
    'shop/models/order.py':
      'import sqlalchemy as sa\n\nfrom .base import Base\n\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id = sa.Column(sa.Integer, primary_key=True)\n',
  });
}

function addedConstraintNames(result: Awaited<ReturnType<typeof lintFiles>>): (string | undefined)[] {
  return result.migrations
    .flatMap((m) => m.ops)
    .filter((op) => op.kind === 'add-constraint' && op.direction === 'upgrade')
    .map((op) => (op.kind === 'add-constraint' ? op.constraint.name : undefined));
}

describe('env.py naming_convention', () => {
  it('reads the convention through the import chain of target_metadata', async () => {
    const root = conventionProject();
    const config = await readEnvConfig(join(root, 'migrations/env.py'));
    expect(config?.namingConvention).toEqual({
      uq: 'uq_%(table_name)s_%(column_0_N_name)s',
      ck: 'ck_%(table_name)s_%(constraint_name)s',
      fk: 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
      pk: 'pk_%(table_name)s',
    });
    expect(config?.transactionPerMigration).toBeUndefined();
  });

  it('names the unnamed constraints of Alembic operations (not raw SQL): no anonymous-constraint', async () => {
    const root = conventionProject();
    const result = await lintFiles([join(root, 'migrations/versions/7a1c2b3d4e5f_order_owner.py')]);
    expect(addedConstraintNames(result)).toEqual([
      'fk_orders_owner_id_users',
      'uq_orders_shop_id_reference',
      'pk_order_notes',
      undefined,
    ]);
    const anonymous = result.findings.filter((f) => f.rule === 'anonymous-constraint');
    // Only the FOREIGN KEY written as raw SQL in op.execute() is still unnamed.
    expect(anonymous.map((f) => f.line)).toEqual([22]);
  });

  it.skipIf(!ALEMBIC_AVAILABLE)('gives the names real `alembic upgrade --sql` prints', async () => {
    const root = conventionProject();
    const r = runAlembic(root, ['upgrade', 'head', '--sql']);
    expect(r.status, r.stderr).toBe(0);
    const printed = [...r.stdout.matchAll(/ADD CONSTRAINT (\w+)/g)].map((m) => m[1]);
    const ours = addedConstraintNames(await lintFiles([join(root, 'migrations/versions/7a1c2b3d4e5f_order_owner.py')]));
    expect(printed).toEqual(ours.filter((n) => n !== undefined));
  });
  if (!ALEMBIC_AVAILABLE) it.skip(SKIP_REASON, () => undefined);

  it('reads a convention set on SQLModel.metadata in env.py itself', async () => {
    const root = project({
      'migrations/env.py': envPy(
        '',
        'from sqlmodel import SQLModel\n\nSQLModel.metadata.naming_convention = {"fk": "fk_%(table_name)s_%(column_0_name)s"}\n',
        'SQLModel.metadata',
      ),
      'migrations/versions/7a1c2b3d4e5f_order_owner.py': REVISION,
    });
    const result = await lintFiles([join(root, 'migrations/versions/7a1c2b3d4e5f_order_owner.py')]);
    // No uq convention: the unique constraint keeps no name (and is flagged).
    expect(addedConstraintNames(result)).toEqual(['fk_orders_owner_id', undefined, undefined, undefined]);
    expect(result.findings.filter((f) => f.rule === 'anonymous-constraint').map((f) => f.line)).toEqual([20, 22]);
  });

  it('without a convention, every unnamed constraint is flagged', async () => {
    const root = project({
      'migrations/env.py': envPy('', 'from shop.models import Base\n'),
      'migrations/versions/7a1c2b3d4e5f_order_owner.py': REVISION,
      'shop/models.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n',
    });
    const result = await lintFiles([join(root, 'migrations/versions/7a1c2b3d4e5f_order_owner.py')]);
    expect(result.findings.filter((f) => f.rule === 'anonymous-constraint').map((f) => f.line)).toEqual([19, 20, 22]);
  });

  it('does not follow an env.py that is a symbolic link', async () => {
    const root = conventionProject();
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'env.py'), envPy());
    rmSync(join(root, 'migrations/env.py'));
    symlinkSync(join(elsewhere, 'env.py'), join(root, 'migrations/env.py'));
    const result = await lintFiles([join(root, 'migrations/versions/7a1c2b3d4e5f_order_owner.py')]);
    expect(addedConstraintNames(result)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

const CONCURRENT_REVISION = `"""search index

Revision ID: 8b2c3d4e5f60
Revises:
Create Date: 2024-05-03 09:00:00.000000

"""
from alembic import op

revision = "8b2c3d4e5f60"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_orders_reference", "orders", ["reference"], postgresql_concurrently=True)


def downgrade() -> None:
    op.drop_index("ix_orders_reference", table_name="orders", postgresql_concurrently=True)
`;

describe('env.py transaction options', () => {
  it('transactional_ddl=False: statements run outside a transaction, CONCURRENTLY works', async () => {
    const root = project({
      'alembic.ini': INI,
      'migrations/env.py': envPy(', transactional_ddl=False', '', 'None'),
      'migrations/versions/8b2c3d4e5f60_search_index.py': CONCURRENT_REVISION,
    });
    const result = await lintFiles([join(root, 'migrations/versions/8b2c3d4e5f60_search_index.py')]);
    expect(result.migrations[0]?.transaction).toBe('none');
    expect(result.migrations[0]?.ops.every((op) => !op.inTransaction)).toBe(true);
    expect(result.findings.filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction')).toEqual([]);
    if (ALEMBIC_AVAILABLE) {
      const r = runAlembic(root, ['upgrade', 'head', '--sql']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/^BEGIN;/m);
    }
  });

  it('the default: the whole run in one transaction, CONCURRENTLY fails', async () => {
    const root = project({
      'alembic.ini': INI,
      'migrations/env.py': envPy('', '', 'None'),
      'migrations/versions/8b2c3d4e5f60_search_index.py': CONCURRENT_REVISION,
    });
    const result = await lintFiles([join(root, 'migrations/versions/8b2c3d4e5f60_search_index.py')]);
    expect(result.migrations[0]?.transaction).toBe('wrapped');
    const inTx = result.findings.filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction');
    expect(inTx.map((f) => f.line)).toEqual([17]);
    expect(inTx[0]?.message).toContain('Alembic runs migrations in a transaction on Postgres');
  });

  it('transaction_per_migration=True: the reason names it (each revision has its own BEGIN/COMMIT)', async () => {
    const root = project({
      'alembic.ini': INI,
      'migrations/env.py': envPy(', transaction_per_migration=True', '', 'None'),
      'migrations/versions/8b2c3d4e5f60_search_index.py': CONCURRENT_REVISION,
    });
    const config = await readEnvConfig(join(root, 'migrations/env.py'));
    expect(config).toMatchObject({ transactionPerMigration: true });
    const result = await lintFiles([join(root, 'migrations/versions/8b2c3d4e5f60_search_index.py')]);
    const inTx = result.findings.filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction');
    expect(inTx[0]?.message).toContain('each migration in its own transaction');
    if (ALEMBIC_AVAILABLE) {
      const r = runAlembic(root, ['upgrade', 'head', '--sql']);
      expect(r.stdout.match(/^BEGIN;/gm)).toHaveLength(1);
      expect(r.stdout).toMatch(/Running upgrade {2}-> 8b2c3d4e5f60[\s\S]*COMMIT;/);
    }
  });
});
