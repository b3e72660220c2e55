import type { Rule } from './types.js';
import { columnTypeVisitors, describeUse } from './support/column-type-visitors.js';

export const preferTextField: Rule = {
  meta: {
    id: 'prefer-text-field',
    severity: 'warning',
    squawk: true,
    summary:
      'varchar(n): changing the limit later takes an ACCESS EXCLUSIVE lock (and shrinking it rewrites the table).',
    docs: {
      what:
        'Flags columns created as, or changed to, `varchar(n)` / `character varying(n)` (a length limit) in ' +
        '`CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN … TYPE`. `varchar` without a limit is not flagged.',
      why:
        'Limits change. Raising one (`ALTER COLUMN … TYPE varchar(500)`) is a catalog change but still takes an ' +
        '`ACCESS EXCLUSIVE` lock, which waits behind any long transaction on the table and blocks every read and write ' +
        'queued behind it. Lowering one rewrites the whole table and its indexes under that lock. A `text` column ' +
        'stores exactly like `varchar`, and a `CHECK` constraint holding the limit can be replaced without a long lock: ' +
        'added `NOT VALID` (brief lock, no scan), then validated under `SHARE UPDATE EXCLUSIVE`, which lets reads and ' +
        'writes go on.',
      instead:
        'Use `text` with a named length check:\n\n' +
        '```sql\n' +
        'ALTER TABLE users ADD COLUMN nickname text;\n' +
        'ALTER TABLE users ADD CONSTRAINT users_nickname_length CHECK (length(nickname) <= 50) NOT VALID;\n' +
        'ALTER TABLE users VALIDATE CONSTRAINT users_nickname_length;\n' +
        '```\n\n' +
        'To change the limit later:\n\n' +
        '```sql\n' +
        'ALTER TABLE users DROP CONSTRAINT users_nickname_length,\n' +
        '  ADD CONSTRAINT users_nickname_length CHECK (length(nickname) <= 100) NOT VALID;\n' +
        'ALTER TABLE users VALIDATE CONSTRAINT users_nickname_length;\n' +
        '```',
    },
  },
  create(context) {
    return columnTypeVisitors((use) => {
      if (use.type.name !== 'varchar' || use.type.modifiers.length === 0) return;
      const n = use.type.modifiers[0]!;
      context.report(
        use.op,
        `${describeUse(use)}: changing that limit later needs an ACCESS EXCLUSIVE lock (and lowering it rewrites the table).`,
        {
          span: use.span,
          help: `Use text with CHECK (length(${use.column}) <= ${n}), added NOT VALID and then validated.`,
        },
      );
    });
  },
};
