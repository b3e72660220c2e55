import { ruleTester } from '../helpers/rule-tester.js';
import { brokenRevisionGraph } from '../../src/rules/broken-revision-graph.js';

function rev(id: string, down: string, extra = ''): string {
  return `"""${id}\n\nRevision ID: ${id}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "${id}"\ndown_revision = ${down}\n${extra}\n\ndef upgrade():\n    op.create_index("ix_${id}", "users", ["email"])\n\n\ndef downgrade():\n    op.drop_index("ix_${id}", table_name="users")\n`;
}
const dir = 'migrations/versions';

ruleTester(brokenRevisionGraph, {
  valid: [
    {
      name: 'merge revisions and several bases are normal',
      sql: [
        rev('aaa111', 'None'),
        rev('bbb222', '"aaa111"'),
        rev('ccc333', '"aaa111"'),
        rev('ddd444', '["bbb222", "ccc333"]'),
        rev('eee555', 'None', 'branch_labels = ("reports",)'),
      ],
      file: [
        `${dir}/aaa111_a.py`,
        `${dir}/bbb222_b.py`,
        `${dir}/ccc333_c.py`,
        `${dir}/ddd444_d.py`,
        `${dir}/eee555_e.py`,
      ],
    },
    {
      name: 'depends_on a branch label or an unambiguous id prefix',
      sql: [
        rev('aaa111', 'None', 'branch_labels = ("reports",)'),
        rev('bbb222', 'None', 'depends_on = ("reports", "aaa1")'),
      ],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`],
    },
  ],
  invalid: [
    {
      name: 'down_revision names a revision that is not there (deleted file)',
      sql: [rev('aaa111', 'None'), rev('ccc333', '"bbb222"')],
      file: [`${dir}/aaa111_a.py`, `${dir}/ccc333_c.py`],
      errors: [
        {
          file: `${dir}/ccc333_c.py`,
          line: 9,
          message: 'Revision ccc333 has down_revision bbb222, but no revision in migrations/versions has that id',
        },
      ],
    },
    {
      name: 'one parent of a merge is missing; a depends_on too',
      sql: [rev('aaa111', 'None'), rev('ddd444', '("aaa111", "zzz999")', 'depends_on = "yyy888"')],
      file: [`${dir}/aaa111_a.py`, `${dir}/ddd444_d.py`],
      errors: [{ message: 'down_revision zzz999' }, { message: 'depends_on yyy888' }],
    },
    {
      name: 'a copied revision that kept its id',
      sql: [rev('aaa111', 'None'), rev('bbb222', '"aaa111"'), rev('bbb222', '"aaa111"')],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`, `${dir}/bbb222_b_copy.py`],
      errors: [
        {
          file: `${dir}/bbb222_b.py`,
          line: 8,
          message: 'Revision id bbb222 is declared by 2 files (bbb222_b.py, bbb222_b_copy.py)',
        },
        { file: `${dir}/bbb222_b_copy.py`, line: 8 },
      ],
    },
    {
      name: 'a cycle',
      sql: [rev('aaa111', '"ccc333"'), rev('bbb222', '"aaa111"'), rev('ccc333', '"bbb222"')],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`, `${dir}/ccc333_c.py`],
      errors: [{ message: 'cycle' }, { message: 'cycle' }, { message: 'revisions aaa111, bbb222, ccc333' }],
    },
    {
      name: 'a revision that is its own parent',
      sql: [rev('aaa111', '"aaa111"')],
      file: [`${dir}/aaa111_a.py`],
      errors: [{ line: 9, message: 'Revision aaa111 is on a cycle' }],
    },
  ],
});
