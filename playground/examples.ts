/**
 * A small migration set per format to start from: each shows a finding or two, and the sets with
 * several files show what the linter learns across files (the schema built by earlier migrations).
 */
import type { MigrationFormat } from '../src/core.js';

export interface Example {
  /** The format picker's value this example is for. */
  format: MigrationFormat;
  label: string;
  files: { path: string; text: string }[];
}

export const EXAMPLES: readonly Example[] = [
  {
    format: 'sql',
    label: 'Plain SQL',
    files: [
      {
        path: 'migrations/001_create_accounts.sql',
        text: `CREATE TABLE accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
      },
      {
        path: 'migrations/002_accounts_email.sql',
        text: `CREATE INDEX accounts_email_idx ON accounts (email);

ALTER TABLE accounts ADD COLUMN plan text NOT NULL;
`,
      },
    ],
  },
  {
    format: 'dbmate',
    label: 'dbmate',
    files: [
      {
        path: 'db/migrations/20240301120000_orders_status.sql',
        text: `-- migrate:up
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);

-- migrate:down
DROP INDEX orders_status_idx;
ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;
`,
      },
    ],
  },
  {
    format: 'prisma',
    label: 'Prisma',
    files: [
      {
        path: 'prisma/migrations/20240410090000_invoice_total/migration.sql',
        text: `-- AlterTable
ALTER TABLE "Invoice" ALTER COLUMN "total" SET DATA TYPE BIGINT;

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_number_key" ON "Invoice"("number");
`,
      },
    ],
  },
  {
    format: 'drizzle',
    label: 'Drizzle',
    files: [
      {
        path: 'drizzle/0003_customers_rename.sql',
        text: `ALTER TABLE "customers" RENAME COLUMN "name" TO "full_name";--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_region_fk" FOREIGN KEY ("region_id") REFERENCES "regions"("id");
`,
      },
    ],
  },
  {
    format: 'knex',
    label: 'Knex',
    files: [
      {
        path: 'migrations/20240105120000_create_users.js',
        text: `exports.up = function (knex) {
  return knex.schema.createTable('users', (table) => {
    table.increments('id');
    table.string('email').notNullable();
    table.timestamps(true, true);
  });
};

exports.down = function (knex) {
  return knex.schema.dropTable('users');
};
`,
      },
      {
        path: 'migrations/20240210093000_users_email_index.js',
        text: `exports.up = function (knex) {
  return knex.schema.alterTable('users', (table) => {
    table.index(['email'], 'users_email_index');
  });
};

exports.down = function (knex) {
  return knex.schema.alterTable('users', (table) => {
    table.dropIndex(['email'], 'users_email_index');
  });
};
`,
      },
    ],
  },
  {
    format: 'typeorm',
    label: 'TypeORM',
    files: [
      {
        path: 'src/migrations/1712000000000-UserNickname.ts',
        text: `import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

export class UserNickname1712000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('user', new TableColumn({ name: 'nickname', type: 'varchar', isNullable: false }));
    await queryRunner.query(\`CREATE INDEX "IDX_user_nickname" ON "user" ("nickname")\`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`DROP INDEX "IDX_user_nickname"\`);
    await queryRunner.dropColumn('user', 'nickname');
  }
}
`,
      },
    ],
  },
  {
    format: 'kysely',
    label: 'Kysely',
    files: [
      {
        path: 'migrations/2024_03_01_0001_pet_owner.ts',
        text: `import { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('pet')
    .addColumn('owner_id', 'integer', (col) => col.references('person.id').notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pet').dropColumn('owner_id').execute();
}
`,
      },
    ],
  },
  {
    format: 'node-pg-migrate',
    label: 'node-pg-migrate',
    files: [
      {
        path: 'migrations/1712000000001_invoices-customer-index.js',
        text: `exports.up = (pgm) => {
  pgm.createIndex('invoices', 'customer_id');
  pgm.addColumn('invoices', { paid_at: { type: 'timestamp' } });
};

exports.down = (pgm) => {
  pgm.dropColumn('invoices', 'paid_at');
  pgm.dropIndex('invoices', 'customer_id');
};
`,
      },
    ],
  },
  {
    format: 'sequelize',
    label: 'Sequelize',
    files: [
      {
        path: 'migrations/20240315000000-add-user-role.js',
        text: `'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('users', 'role', {
      type: Sequelize.STRING,
      allowNull: false,
    });
    await queryInterface.addIndex('users', ['role']);
  },

  async down(queryInterface) {
    await queryInterface.removeIndex('users', ['role']);
    await queryInterface.removeColumn('users', 'role');
  },
};
`,
      },
    ],
  },
  {
    format: 'mikro-orm',
    label: 'MikroORM',
    files: [
      {
        path: 'src/migrations/Migration20240320101500.ts',
        text: `import { Migration } from '@mikro-orm/migrations';

export class Migration20240320101500 extends Migration {
  override async up(): Promise<void> {
    this.addSql(\`alter table "book" add column "isbn" varchar(13) not null;\`);
    this.addSql(\`create index "book_title_index" on "book" ("title");\`);
  }
}
`,
      },
    ],
  },
  {
    format: 'alembic',
    label: 'Alembic',
    files: [
      {
        path: 'alembic/versions/1e0d4b7a6c22_create_orders.py',
        text: `"""create customers and orders

Revision ID: 1e0d4b7a6c22
Revises:
Create Date: 2024-03-28 16:40:02.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "1e0d4b7a6c22"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("orders")
    op.drop_table("customers")
`,
      },
      {
        path: 'alembic/versions/3f2a1c9d0b11_orders_customer_fk.py',
        text: `"""orders.customer_id references customers

Revision ID: 3f2a1c9d0b11
Revises: 1e0d4b7a6c22
Create Date: 2024-04-02 10:12:44.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "3f2a1c9d0b11"
down_revision = "1e0d4b7a6c22"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("customer_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(None, "orders", "customers", ["customer_id"], ["id"])


def downgrade() -> None:
    op.drop_constraint(None, "orders", type_="foreignkey")
    op.drop_column("orders", "customer_id")
`,
      },
    ],
  },
];
