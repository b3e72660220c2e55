/**
 * ATTACH PARTITION without a CHECK that proves the bound, DROP CONSTRAINT (a guarantee lost), and a
 * statement_timeout too long to bound a strong lock.
 */
import { describe, expect, it } from 'vitest';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { attachPartitionWithoutCheck } from '../../src/rules/attach-partition-without-check.js';
import { banDropConstraint } from '../../src/rules/ban-drop-constraint.js';
import { statementTimeoutTooLong } from '../../src/rules/statement-timeout-too-long.js';
import { initSqlParser, parseSql } from '../../src/parsers/sql/parse-sql.js';
import { resolveRuleId } from '../../src/rules/index.js';
import { banConcurrentIndexCreationInTransaction } from '../../src/rules/ban-concurrent-index-creation-in-transaction.js';

const EVENTS =
  'CREATE TABLE events (id bigint NOT NULL, created_on date NOT NULL) PARTITION BY RANGE (created_on);\n' +
  'CREATE TABLE events_2024 (id bigint NOT NULL, created_on date NOT NULL);';
const ATTACH_2024 = "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";

describe('ATTACH PARTITION in the IR', () => {
  it('carries the partition and its bound, for every strategy', async () => {
    await initSqlParser();
    const m = parseSql(
      "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (MINVALUE) TO ('2025-01-01');\n" +
        "ALTER TABLE regions ATTACH PARTITION regions_eu FOR VALUES IN ('de', 'fr');\n" +
        'ALTER TABLE shards ATTACH PARTITION shards_1 FOR VALUES WITH (MODULUS 4, REMAINDER 1);\n' +
        'ALTER TABLE events ATTACH PARTITION events_other DEFAULT;\n' +
        'CREATE TABLE metrics (id bigint, taken_on date) PARTITION BY RANGE (taken_on, id);\n' +
        'CREATE TABLE logs (id bigint, at timestamptz) PARTITION BY RANGE ((at::date));',
      { file: 'm.sql', direction: 'upgrade' },
    );
    const attaches = m.ops.filter((op) => op.kind === 'attach-partition');
    expect(attaches.map((op) => [op.table.name, op.partition.name, op.bound])).toEqual([
      [
        'events',
        'events_2024',
        {
          strategy: 'range',
          values: ['MINVALUE', "'2025-01-01'"],
          text: "FOR VALUES FROM (MINVALUE) TO ('2025-01-01')",
        },
      ],
      ['regions', 'regions_eu', { strategy: 'list', values: ["'de'", "'fr'"], text: "FOR VALUES IN ('de', 'fr')" }],
      [
        'shards',
        'shards_1',
        { strategy: 'hash', values: ['4', '1'], text: 'FOR VALUES WITH (MODULUS 4, REMAINDER 1)' },
      ],
      ['events', 'events_other', { strategy: 'default', values: [], text: 'DEFAULT' }],
    ]);
    const creates = m.ops.filter((op) => op.kind === 'create-table');
    expect(creates.map((op) => op.partitionColumns)).toEqual([['taken_on', 'id'], undefined]);
  });
});

ruleTester(attachPartitionWithoutCheck, {
  valid: [
    {
      name: 'the table attached was created in the same migration (empty)',
      sql: `${EVENTS}\n${ATTACH_2024}`,
    },
    {
      name: 'a CHECK added NOT VALID and validated by earlier migrations',
      sql: [
        EVENTS,
        "ALTER TABLE events_2024 ADD CONSTRAINT events_2024_bound CHECK (created_on >= '2024-01-01' AND created_on < '2025-01-01') NOT VALID;",
        'ALTER TABLE events_2024 VALIDATE CONSTRAINT events_2024_bound;',
        ATTACH_2024,
      ],
    },
    {
      name: 'the CHECK written in the CREATE TABLE of the child, with casts',
      sql: [
        'CREATE TABLE events (id bigint, created_on date NOT NULL) PARTITION BY RANGE (created_on);\n' +
          "CREATE TABLE events_2024 (id bigint, created_on date NOT NULL CHECK (created_on >= '2024-01-01'::date AND created_on < '2025-01-01'::date));",
        ATTACH_2024,
      ],
    },
    {
      name: 'a list partition with a CHECK on the listed values (key not seen: values decide)',
      sql: [
        "CREATE TABLE regions_eu (id bigint, region text NOT NULL CONSTRAINT regions_eu_bound CHECK (region IN ('de', 'fr')));",
        "ALTER TABLE regions ATTACH PARTITION regions_eu FOR VALUES IN ('de', 'fr');",
      ],
    },
    {
      name: 'a hash partition with a satisfies_hash_partition CHECK',
      sql: [
        "CREATE TABLE shards_1 (id bigint NOT NULL, CONSTRAINT shards_1_bound CHECK (satisfies_hash_partition('shards'::regclass, 4, 1, id)));",
        'ALTER TABLE shards ATTACH PARTITION shards_1 FOR VALUES WITH (MODULUS 4, REMAINDER 1);',
      ],
    },
  ],
  invalid: [
    {
      name: 'an existing table, no CHECK',
      sql: [EVENTS, `-- attach last year\n${ATTACH_2024}`],
      errors: [
        {
          line: 2,
          message:
            "Attaching events_2024 to events reads every row of events_2024 under an ACCESS EXCLUSIVE lock to check it fits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        },
      ],
    },
    {
      name: 'the help gives the CHECK that mirrors the bound, on the key the parent shows',
      sql: [EVENTS, ATTACH_2024],
      errors: [{ line: 1 }],
    },
    {
      name: 'the CHECK is still NOT VALID',
      sql: [
        EVENTS,
        "ALTER TABLE events_2024 ADD CONSTRAINT events_2024_bound CHECK (created_on >= '2024-01-01' AND created_on < '2025-01-01') NOT VALID;\n" +
          ATTACH_2024,
      ],
      errors: [{ line: 2 }],
    },
    {
      name: 'the CHECK is on another column than the partition key',
      sql: [
        EVENTS,
        "ALTER TABLE events_2024 ADD COLUMN logged_on date CHECK (logged_on >= '2024-01-01' AND logged_on < '2025-01-01');",
        ATTACH_2024,
      ],
      errors: [{ line: 1 }],
    },
    {
      name: 'the CHECK names other bounds',
      sql: [
        EVENTS,
        "ALTER TABLE events_2024 ADD CHECK (created_on >= '2023-01-01' AND created_on < '2024-01-01');",
        ATTACH_2024,
      ],
      errors: [{ line: 1 }],
    },
    {
      name: 'the CHECK was dropped before the attach',
      sql: [
        EVENTS,
        "ALTER TABLE events_2024 ADD CONSTRAINT events_2024_bound CHECK (created_on >= '2024-01-01' AND created_on < '2025-01-01');",
        `ALTER TABLE events_2024 DROP CONSTRAINT events_2024_bound;\n${ATTACH_2024}`,
      ],
      errors: [{ line: 2 }],
    },
    {
      name: 'a DEFAULT partition whose parent the set does not show',
      sql: 'ALTER TABLE events ATTACH PARTITION events_other DEFAULT;',
      errors: [{ line: 1, message: 'to check it fits DEFAULT' }],
    },
    {
      name: 'the numeric bound 5 is not found in a CHECK on 15',
      sql: [
        'CREATE TABLE items_low (id bigint NOT NULL CHECK (id >= 0 AND id < 15));',
        'ALTER TABLE items ATTACH PARTITION items_low FOR VALUES FROM (0) TO (5);',
      ],
      errors: [{ line: 1 }],
    },
  ],
});

describe('attach-partition-without-check: the help', () => {
  it('is exact SQL on the key column the parent shows', async () => {
    const [f] = await runRule(attachPartitionWithoutCheck, { sql: [EVENTS, ATTACH_2024] });
    expect(f?.help).toContain(
      "ALTER TABLE events_2024 ADD CONSTRAINT events_2024_bound CHECK (created_on IS NOT NULL AND created_on >= '2024-01-01' AND created_on < '2025-01-01') NOT VALID;",
    );
    expect(f?.help).toContain('ALTER TABLE events_2024 VALIDATE CONSTRAINT events_2024_bound;');
    expect(f?.lock).toBe('ACCESS EXCLUSIVE on events_2024 (blocks reads and writes)');
  });
  it('names the key as a placeholder when the parent is not in the set', async () => {
    const [f] = await runRule(attachPartitionWithoutCheck, {
      sql:
        'CREATE TABLE metrics_2024 (taken_on date NOT NULL);\nCOMMIT;\n' +
        "ALTER TABLE metrics ATTACH PARTITION metrics_2024 FOR VALUES FROM ('2024-01-01') TO (MAXVALUE);",
    });
    expect(f).toBeUndefined(); // created in the same migration: empty
    const [g] = await runRule(attachPartitionWithoutCheck, {
      sql: [
        'CREATE TABLE metrics_2024 (taken_on date NOT NULL);',
        "ALTER TABLE metrics ATTACH PARTITION metrics_2024 FOR VALUES FROM ('2024-01-01') TO (MAXVALUE);",
      ],
    });
    expect(g?.help).toContain("CHECK (<partition key> IS NOT NULL AND <partition key> >= '2024-01-01') NOT VALID;");
  });
  it("answers to pgfence's id in suppressions and config", () => {
    expect(resolveRuleId('attach-partition')).toEqual(['attach-partition-without-check']);
  });
});

ruleTester(banDropConstraint, {
  valid: [
    {
      name: 'a constraint created earlier in the same migration',
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_tmp_check CHECK (total > 0);\nALTER TABLE orders DROP CONSTRAINT orders_tmp_check;',
    },
    {
      name: 'a table created in the same migration',
      sql: 'CREATE TABLE imports (id bigint CONSTRAINT imports_id_key UNIQUE);\nALTER TABLE imports DROP CONSTRAINT imports_id_key;',
    },
    {
      name: 'a foreign key re-created under the same name with another ON DELETE',
      sql:
        'ALTER TABLE orders DROP CONSTRAINT orders_account_id_fkey;\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE NOT VALID;',
    },
    {
      name: 'a constraint renamed by drop and add (the set shows its type and columns)',
      sql: [
        'CREATE TABLE orders (id bigint PRIMARY KEY, code text CONSTRAINT orders_code_uq UNIQUE);',
        'ALTER TABLE orders DROP CONSTRAINT orders_code_uq;\nALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);',
      ],
    },
    {
      name: 'the recipe: a new CHECK on the same column added and validated before the old one goes',
      sql: [
        'CREATE TABLE orders (id bigint PRIMARY KEY, total integer CONSTRAINT orders_total_positive CHECK (total > 0));',
        'ALTER TABLE orders ADD CONSTRAINT orders_total_nonnegative CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_nonnegative;\nALTER TABLE orders DROP CONSTRAINT orders_total_positive;',
      ],
    },
    {
      name: 'downgrade dropping the constraint its own upgrade added',
      file: '20240102_orders_total_check.sql',
      sql: '-- migrate:up\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\n\n-- migrate:down\nALTER TABLE orders DROP CONSTRAINT orders_total_check;\n',
      checkDowngrade: true,
    },
  ],
  invalid: [
    {
      name: 'a constraint whose creation the set does not show',
      sql: '-- no longer needed\nALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_check;',
      errors: [
        {
          line: 2,
          message: 'Dropping constraint orders_total_check on orders: whatever it guaranteed stops being enforced.',
        },
      ],
    },
    {
      name: 'a foreign key an earlier migration created: orphans, and the lock on the parent',
      sql: [
        'CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint CONSTRAINT orders_account_fk REFERENCES accounts);',
        'ALTER TABLE orders DROP CONSTRAINT orders_account_fk;',
      ],
      errors: [{ line: 1, message: 'rows pointing at missing parents can be written from then on' }],
    },
    {
      name: 'a unique constraint with CASCADE',
      sql: [
        'CREATE TABLE users (id bigint PRIMARY KEY, email text CONSTRAINT users_email_key UNIQUE);',
        'ALTER TABLE users DROP CONSTRAINT users_email_key CASCADE;',
      ],
      errors: [{ line: 1, message: /ON CONFLICT on those columns fails\. CASCADE also drops/ }],
    },
    {
      name: 'a replacement of another type does not count',
      sql: [
        'CREATE TABLE orders (id bigint PRIMARY KEY, code text CONSTRAINT orders_code_uq UNIQUE);',
        'ALTER TABLE orders DROP CONSTRAINT orders_code_uq;\nCREATE INDEX orders_code_idx ON orders (code);',
      ],
      errors: [{ line: 1 }],
    },
    {
      name: 'a CHECK on another column does not replace it',
      sql: [
        'CREATE TABLE orders (id bigint PRIMARY KEY, total integer CONSTRAINT orders_total_positive CHECK (total > 0), qty integer);',
        "ALTER TABLE orders ADD CONSTRAINT orders_qty_check CHECK (qty >= 0 AND 'total' <> '');\nALTER TABLE orders DROP CONSTRAINT orders_total_positive;",
      ],
      errors: [{ line: 2, message: 'values the CHECK rejected can be written from then on' }],
    },
    {
      name: 'Alembic op.drop_constraint in an upgrade',
      file: 'alembic/versions/3f2a1b_drop_total_check.py',
      sql:
        '"""drop total check"""\nfrom alembic import op\n\nrevision = "3f2a1b"\ndown_revision = None\n\n\n' +
        'def upgrade():\n    op.drop_constraint("orders_total_check", "orders", type_="check")\n\n\n' +
        'def downgrade():\n    op.create_check_constraint("orders_total_check", "orders", "total >= 0")\n',
      errors: [{ line: 9, message: 'Dropping constraint orders_total_check on orders' }],
    },
  ],
});

describe('ban-drop-constraint: the lock', () => {
  it('names the referenced table too when the dropped constraint is a foreign key', async () => {
    const [f] = await runRule(banDropConstraint, {
      sql: [
        'CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint CONSTRAINT orders_account_fk REFERENCES accounts);',
        'ALTER TABLE orders DROP CONSTRAINT orders_account_fk;',
      ],
    });
    expect(f?.lock).toBe(
      'ACCESS EXCLUSIVE on orders (blocks reads and writes) (and on the table the foreign key references)',
    );
    expect(resolveRuleId('drop-constraint')).toEqual(['ban-drop-constraint']);
  });
});

ruleTester(statementTimeoutTooLong, {
  valid: [
    "SET statement_timeout = '1min';\nALTER TABLE orders ADD COLUMN note text;",
    {
      name: 'a long timeout only for a statement that blocks nobody',
      sql: "SET statement_timeout = '2h';\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);",
    },
    {
      name: 'lowered again before the strong lock',
      sql: "SET statement_timeout = '1h';\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\nSET statement_timeout = '1min';\nALTER TABLE orders ALTER COLUMN note SET NOT NULL;",
    },
    {
      name: 'SET LOCAL outside a transaction block does nothing',
      sql: "SET LOCAL statement_timeout = '1h';\nALTER TABLE orders ADD COLUMN note text;",
    },
    {
      name: 'the table was created in the same migration',
      sql: "SET statement_timeout = '1h';\nCREATE TABLE notes (id bigint);\nALTER TABLE notes ADD COLUMN body text NOT NULL;",
    },
    {
      name: '0 is require-statement-timeout',
      sql: 'SET statement_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;',
    },
  ],
  invalid: [
    {
      sql: "SET statement_timeout = '30min';\nSET lock_timeout = '2s';\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);",
      errors: [
        {
          line: 1,
          message:
            "statement_timeout is set to 30min, and line 3 works through the table's rows while it holds an ACCESS EXCLUSIVE lock on orders: a slow run keeps the table blocked that long",
        },
      ],
    },
    {
      name: 'milliseconds, reported once for several statements',
      sql: 'SET statement_timeout = 3600000;\nCREATE INDEX orders_note_idx ON orders (note);\nALTER TABLE orders ADD COLUMN note2 text;',
      errors: [
        {
          line: 1,
          message:
            "statement_timeout is set to 1h, and line 2 works through the table's rows while it holds a SHARE lock on orders",
        },
      ],
    },
    {
      name: 'no lock_timeout: even a catalog-only change can wait that long for its lock',
      sql: "SET statement_timeout = '15min';\nALTER TABLE orders ADD COLUMN note text;",
      errors: [
        {
          line: 1,
          message:
            'statement_timeout is set to 15min with no lock_timeout, so line 2 can wait that long for an ACCESS EXCLUSIVE lock on orders while every conflicting query queues behind it.',
        },
      ],
    },
    {
      name: 'SET NOT NULL with nothing proving the column scans the table',
      sql: "SET lock_timeout = '2s';\nSET statement_timeout = '1h';\nALTER TABLE orders ALTER COLUMN total SET NOT NULL;",
      errors: [{ line: 2, message: "line 3 works through the table's rows" }],
    },
    {
      name: 'SET LOCAL inside the transaction',
      sql: "BEGIN;\nSET LOCAL statement_timeout = '10min';\nALTER TABLE orders ALTER COLUMN total TYPE bigint;\nCOMMIT;",
      errors: [{ line: 2, message: 'set to 10min' }],
    },
  ],
});

ruleTester(banDropConstraint, {
  valid: [
    {
      name: 'Alembic autogenerate: a foreign key dropped and re-created without a name on the same column (Postgres names it the same)',
      file: 'alembic/versions/5c1d2e_cascade_conference.py',
      sql:
        '"""cascade deletes"""\nfrom alembic import op\n\nrevision = "5c1d2e"\ndown_revision = None\n\n\n' +
        'def upgrade():\n    op.drop_constraint("conference_incident_id_fkey", "conference", type_="foreignkey")\n' +
        '    op.create_foreign_key(None, "conference", "incident", ["incident_id"], ["id"], ondelete="CASCADE")\n\n\n' +
        'def downgrade():\n    pass\n',
    },
    {
      name: 'the re-created key names the schema the drop leaves to the search_path',
      sql: 'ALTER TABLE team_member DROP CONSTRAINT team_member_team_id_fkey;\nALTER TABLE core.team_member ADD FOREIGN KEY (team_id) REFERENCES core.team (id) ON DELETE CASCADE;',
    },
    {
      name: 'the column the constraint is on is dropped later in the migration (ban-drop-column reports it)',
      sql: 'ALTER TABLE rules DROP CONSTRAINT rules_creator_id_fkey;\nALTER TABLE rules DROP CONSTRAINT rules_name_project_id_key;\nALTER TABLE rules DROP COLUMN creator_id;\nALTER TABLE rules DROP COLUMN name;',
    },
    {
      name: 'a unique constraint turned into a unique index of the same name',
      sql: 'ALTER TABLE api_keys DROP CONSTRAINT uix_service_key_name;\nCREATE UNIQUE INDEX uix_service_key_name ON api_keys (service_id, name);',
    },
    {
      name: 'the second half of a constraint swap: an earlier migration renamed it aside and built the same one under its name',
      sql: [
        'CREATE TABLE members (id bigint PRIMARY KEY, email text NOT NULL CONSTRAINT members_email_key UNIQUE);',
        'ALTER TABLE members RENAME CONSTRAINT members_email_key TO members_email_key_old;\n' +
          'CREATE UNIQUE INDEX CONCURRENTLY members_email_key ON members (email);\n' +
          'ALTER TABLE members ADD CONSTRAINT members_email_key UNIQUE USING INDEX members_email_key;',
        'ALTER TABLE members DROP CONSTRAINT members_email_key_old;',
      ],
    },
    {
      name: 'a UNIQUE on two columns dropped while an earlier one on one of them stands (uniqueness on fewer columns implies it)',
      sql: [
        'CREATE TABLE seats (id bigint PRIMARY KEY, ticket_id bigint CONSTRAINT seats_ticket_key UNIQUE, row_label text,\n' +
          '  CONSTRAINT seats_ticket_row_key UNIQUE (ticket_id, row_label));',
        'ALTER TABLE seats DROP CONSTRAINT seats_ticket_row_key;',
      ],
    },
    {
      name: 'a foreign key created without a name, dropped by the name Postgres gave it and re-created with ON DELETE CASCADE',
      sql: [
        'CREATE TABLE carts (id bigint PRIMARY KEY);\nCREATE TABLE cart_items (id bigint PRIMARY KEY, cart_id bigint REFERENCES carts (id));',
        'ALTER TABLE cart_items DROP CONSTRAINT cart_items_cart_id_fkey;\n' +
          'ALTER TABLE cart_items ADD CONSTRAINT cart_items_cart_fk FOREIGN KEY (cart_id) REFERENCES carts (id) ON DELETE CASCADE NOT VALID;',
      ],
    },
    {
      name: 'the parent table was renamed: the foreign key re-created against its new name is the same guarantee',
      sql: [
        'CREATE TABLE customers (id bigint PRIMARY KEY);\n' +
          'CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint CONSTRAINT invoices_customer_fk REFERENCES customers (id));',
        'ALTER TABLE customers RENAME TO accounts;\nALTER TABLE invoices RENAME COLUMN customer_id TO account_id;\n' +
          'ALTER TABLE invoices DROP CONSTRAINT invoices_customer_fk;\n' +
          'ALTER TABLE invoices ADD CONSTRAINT invoices_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE NOT VALID;',
      ],
    },
    {
      name: 'a foreign key moved to a history table on two NOT NULL columns: every row still names an existing parent',
      sql: [
        'CREATE TABLE templates (id uuid PRIMARY KEY);\nCREATE TABLE templates_history (id uuid, version integer, PRIMARY KEY (id, version));\n' +
          'CREATE TABLE messages (id uuid PRIMARY KEY, template_id uuid, FOREIGN KEY (template_id) REFERENCES templates (id));',
        'ALTER TABLE messages ADD COLUMN template_version integer;\nALTER TABLE messages ALTER COLUMN template_version SET NOT NULL;',
        'ALTER TABLE messages DROP CONSTRAINT messages_template_id_fkey;\n' +
          'ALTER TABLE messages ADD CONSTRAINT messages_templates_history_fkey FOREIGN KEY (template_id, template_version) REFERENCES templates_history (id, version) NOT VALID;',
      ],
    },
    {
      name: 'a foreign key pointed at another table on the same column (every row must name a row there)',
      sql: [
        'CREATE TABLE carts (id bigint PRIMARY KEY);\nCREATE TABLE cart_items (id bigint PRIMARY KEY, cart_id bigint REFERENCES carts (id));',
        'ALTER TABLE cart_items DROP CONSTRAINT cart_items_cart_id_fkey;\n' +
          'ALTER TABLE cart_items ADD CONSTRAINT cart_items_archived_cart_fk FOREIGN KEY (cart_id) REFERENCES archived_carts (id) NOT VALID;',
      ],
    },
    {
      name: 'a primary key on a name dropped for a surrogate key, while a unique index on the normalized name stands',
      sql: [
        'CREATE TABLE projects (name text PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid());\n' +
          'CREATE UNIQUE INDEX projects_name_normalized ON projects (lower(name::text));',
        'ALTER TABLE projects DROP CONSTRAINT projects_pkey;\nALTER TABLE projects ADD PRIMARY KEY (id);',
      ],
    },
  ],
  invalid: [
    {
      name: 'the swap again, but the set does not show what the renamed-aside constraint covered',
      sql: [
        'ALTER TABLE members RENAME CONSTRAINT members_email_key TO members_email_key_old;\n' +
          'CREATE UNIQUE INDEX CONCURRENTLY members_email_key ON members (email, tenant_id);\n' +
          'ALTER TABLE members ADD CONSTRAINT members_email_key UNIQUE USING INDEX members_email_key;',
        '-- the irreversible half\nALTER TABLE members DROP CONSTRAINT members_email_key_old;',
      ],
      errors: [
        {
          line: 2,
          message:
            'Dropping constraint members_email_key_old on members: an earlier migration renamed it from members_email_key and put a new UNIQUE constraint members_email_key on (email, tenant_id) in its place, but the set does not show what the dropped one covered',
        },
      ],
    },
    {
      name: 'the swap where the new constraint spans more columns than the old one: uniqueness gets weaker',
      sql: [
        'CREATE TABLE members (id bigint PRIMARY KEY, email text NOT NULL CONSTRAINT members_email_key UNIQUE, tenant_id bigint);',
        'ALTER TABLE members RENAME CONSTRAINT members_email_key TO members_email_key_old;\n' +
          'ALTER TABLE members ADD CONSTRAINT members_email_key UNIQUE (email, tenant_id);',
        'ALTER TABLE members DROP CONSTRAINT members_email_key_old;',
      ],
      errors: [
        {
          line: 1,
          message:
            'the UNIQUE constraint members_email_key on (email, tenant_id) is in force, but (email) values can repeat from then on',
        },
      ],
    },
    {
      name: 'a foreign key moved to a history table on two columns, one of them nullable: rows with a NULL version go unchecked',
      sql: [
        'CREATE TABLE templates (id uuid PRIMARY KEY);\nCREATE TABLE templates_history (id uuid, version integer, PRIMARY KEY (id, version));\n' +
          'CREATE TABLE messages (id uuid PRIMARY KEY, template_id uuid, template_version integer, FOREIGN KEY (template_id) REFERENCES templates (id));',
        'ALTER TABLE messages DROP CONSTRAINT messages_template_id_fkey;\n' +
          'ALTER TABLE messages ADD CONSTRAINT messages_templates_history_fkey FOREIGN KEY (template_id, template_version) REFERENCES templates_history (id, version) NOT VALID;',
      ],
      errors: [
        {
          line: 1,
          message:
            'the foreign key messages_templates_history_fkey on (template_id, template_version) to templates_history takes over, but a row with (template_version) NULL passes it unchecked (MATCH SIMPLE, the default): its (template_id) is checked against nothing from then on',
        },
      ],
    },
    {
      name: 'a primary key re-created on other columns: the old key columns can repeat',
      sql: [
        'CREATE TABLE published_pages (workspace_id uuid NOT NULL, slug text NOT NULL, PRIMARY KEY (workspace_id, slug));',
        'ALTER TABLE published_pages ADD COLUMN page_id uuid NOT NULL DEFAULT gen_random_uuid();\n' +
          'ALTER TABLE published_pages DROP CONSTRAINT published_pages_pkey;\nALTER TABLE published_pages ADD PRIMARY KEY (workspace_id, page_id);',
      ],
      errors: [{ line: 2, message: 'Dropping constraint published_pages_pkey on published_pages: duplicate' }],
    },
    {
      name: 'a primary key re-created where the set does not show the old one: its name does not say its columns',
      sql: 'ALTER TABLE published_pages DROP CONSTRAINT published_pages_pkey;\nALTER TABLE published_pages ADD PRIMARY KEY (workspace_id, page_id);',
      errors: [{ line: 1, message: 'whatever it guaranteed stops being enforced' }],
    },
    {
      name: 'the same with CASCADE: the index keeps names unique, but the foreign keys on the key go',
      sql: [
        'CREATE TABLE projects (name text PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid());\n' +
          'CREATE UNIQUE INDEX projects_name_normalized ON projects (lower(name::text));',
        'ALTER TABLE projects DROP CONSTRAINT projects_pkey CASCADE;\nALTER TABLE projects ADD PRIMARY KEY (id);',
      ],
      errors: [
        {
          line: 1,
          message:
            'Dropping constraint projects_pkey on projects: the unique index projects_name_normalized on (lower(name::text)) keeps (name) unique. CASCADE also drops',
        },
      ],
    },
    {
      name: 'a unique index on an expression of another column does not keep the key unique',
      sql: [
        'CREATE TABLE projects (name text PRIMARY KEY, slug text);\nCREATE UNIQUE INDEX projects_slug_lower ON projects (lower(slug));',
        'ALTER TABLE projects DROP CONSTRAINT projects_pkey;',
      ],
      errors: [{ line: 1, message: 'duplicate keys can be written from then on' }],
    },
    {
      name: 'a UNIQUE on one column traded for a unique index on two: the message names the index and what it lets repeat',
      sql: [
        'CREATE TABLE blocks (id uuid PRIMARY KEY, name text NOT NULL CONSTRAINT uq_blocks_name UNIQUE);',
        'ALTER TABLE blocks ADD COLUMN spec_id uuid;\nALTER TABLE blocks DROP CONSTRAINT uq_blocks_name;\n' +
          'CREATE UNIQUE INDEX uq_blocks_spec_id_name ON blocks (spec_id, name);',
      ],
      errors: [
        {
          line: 2,
          message:
            'the unique index uq_blocks_spec_id_name on (spec_id, name) is in force, but (name) values can repeat from then on where the rest of it differs',
        },
      ],
    },
    {
      name: 'a second foreign key on the column, left by an earlier migration, does not check against the same parent',
      sql: [
        'CREATE TABLE carts (id bigint PRIMARY KEY);\nCREATE TABLE cart_snapshots (id bigint PRIMARY KEY);\n' +
          'CREATE TABLE cart_items (id bigint PRIMARY KEY, cart_id bigint REFERENCES carts (id),\n' +
          '  CONSTRAINT cart_items_snapshot_fk FOREIGN KEY (cart_id) REFERENCES cart_snapshots (id));',
        'ALTER TABLE cart_items DROP CONSTRAINT cart_items_cart_id_fkey;',
      ],
      errors: [
        {
          line: 1,
          message:
            'the foreign key cart_items_snapshot_fk on (cart_id) to cart_snapshots is in force, but nothing checks (cart_id) against carts from then on: rows can name parents that are not there',
        },
      ],
    },
    {
      name: 'a partial unique index does not keep the guarantee',
      sql: 'ALTER TABLE api_keys DROP CONSTRAINT uix_service_key_name;\nCREATE UNIQUE INDEX uix_service_key_name ON api_keys (service_id, name) WHERE expiry_date IS NULL;',
      errors: [{ line: 1 }],
    },
    {
      name: 'another column of the table is dropped later: the constraint was not on it',
      sql: 'ALTER TABLE rules DROP CONSTRAINT rules_creator_id_fkey;\nALTER TABLE rules DROP COLUMN name;',
      errors: [{ line: 1 }],
    },
    {
      name: 'a foreign key re-created on another column is not the same guarantee',
      sql: 'ALTER TABLE conference DROP CONSTRAINT conference_incident_id_fkey;\nALTER TABLE conference ADD FOREIGN KEY (case_id) REFERENCES cases (id);',
      errors: [{ line: 1 }],
    },
  ],
});

// Issue 10 asks for every CONCURRENTLY operation inside a transaction, DETACH PARTITION included; on
// PostgreSQL 15 it fails with "ALTER TABLE ... DETACH CONCURRENTLY cannot run inside a transaction block".
ruleTester(banConcurrentIndexCreationInTransaction, {
  valid: [
    'ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;',
    {
      name: 'FINALIZE is not refused in a transaction block',
      sql: 'BEGIN;\nALTER TABLE events DETACH PARTITION events_2023 FINALIZE;\nCOMMIT;',
    },
  ],
  invalid: [
    {
      name: 'DETACH PARTITION … CONCURRENTLY in a transaction block',
      sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;\nCOMMIT;",
      errors: [
        {
          line: 3,
          message: 'ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY cannot run inside a transaction block',
        },
      ],
    },
  ],
});
