import { ruleTester } from '../helpers/rule-tester.js';
import { requireBatchModeForSqlite } from '../../src/rules/require-batch-mode-for-sqlite.js';

function revision(body: string): string {
  return `from alembic import op\nimport sqlalchemy as sa\n\nrevision = "abc123"\ndown_revision = None\n\n\ndef upgrade():\n${body
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;
}
const file = 'migrations/versions/abc123_notes.py';
const sqlite = { file, dialect: 'sqlite' as const };

ruleTester(requireBatchModeForSqlite, {
  valid: [
    {
      name: 'batch mode',
      sql: revision(
        'with op.batch_alter_table("notes") as batch_op:\n    batch_op.alter_column("title", type_=sa.Text())\n    batch_op.create_foreign_key("fk_notes_folder", "folders", ["folder_id"], ["id"])\n    batch_op.drop_column("legacy")',
      ),
      ...sqlite,
    },
    {
      name: 'what SQLite ALTER TABLE can do',
      sql: revision(
        'op.add_column("notes", sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False))\nop.alter_column("notes", "body", new_column_name="content")\nop.rename_table("notes", "memos")\nop.create_index("ix_memos_pinned", "memos", ["pinned"])',
      ),
      ...sqlite,
    },
    {
      name: 'PostgreSQL target: not this rule',
      sql: revision('op.alter_column("notes", "title", type_=sa.Text())'),
      file,
    },
  ],
  invalid: [
    {
      name: 'alter_column outside batch',
      sql: revision('op.alter_column("notes", "title", existing_type=sa.String(200), type_=sa.Text(), nullable=False)'),
      ...sqlite,
      errors: [
        { line: 9, message: 'On SQLite, ALTER TABLE notes cannot change the type of column title' },
        { line: 9, message: 'NOT NULL' },
      ],
    },
    {
      name: 'create_foreign_key outside batch',
      sql: revision('op.create_foreign_key("fk_notes_folder", "notes", "folders", ["folder_id"], ["id"])'),
      ...sqlite,
      errors: [{ message: 'add a foreign key constraint fk_notes_folder' }],
    },
    {
      name: 'a ForeignKey in add_column is an ALTER of constraints',
      sql: revision('op.add_column("notes", sa.Column("folder_id", sa.Integer(), sa.ForeignKey("folders.id")))'),
      ...sqlite,
      errors: [{ message: 'foreign key' }],
    },
    {
      name: 'drop_constraint and a check constraint',
      sql: revision(
        'op.drop_constraint("uq_notes_slug", "notes", type_="unique")\nop.create_check_constraint("ck_title", "notes", "title <> \'\'")',
      ),
      ...sqlite,
      errors: [
        { line: 9, message: 'drop constraint uq_notes_slug' },
        { line: 10, message: 'check constraint ck_title' },
      ],
    },
    {
      name: 'a column SQLite cannot add',
      sql: revision(
        'op.add_column("notes", sa.Column("updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP")))\nop.add_column("notes", sa.Column("slug", sa.Text(), unique=True))',
      ),
      ...sqlite,
      errors: [
        { line: 9, message: 'non-constant default' },
        { line: 10, message: 'unique constraint' },
      ],
    },
    {
      name: 'drop_column is a warning (SQLite 3.35+ drops plain columns only)',
      sql: revision('op.drop_column("notes", "archived")'),
      ...sqlite,
      errors: [{ message: 'only from version 3.35' }],
    },
    {
      name: 'raw SQL that SQLite cannot run',
      sql: 'ALTER TABLE notes ALTER COLUMN title SET NOT NULL;',
      dialect: 'sqlite',
      errors: [{ line: 1, message: 'ALTER TABLE notes cannot make column title NOT NULL' }],
    },
  ],
});
