import { ruleTester } from '../helpers/rule-tester.js';
import { multipleHeads } from '../../src/rules/multiple-heads.js';

/** An Alembic revision file as `alembic revision` writes it. */
function rev(id: string, down: string, extra = ''): string {
  return `"""${id}\n\nRevision ID: ${id}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "${id}"\ndown_revision = ${down}\n${extra}\n\ndef upgrade():\n    op.add_column("users", sa.Column("c_${id}", sa.Text()))\n\n\ndef downgrade():\n    op.drop_column("users", "c_${id}")\n`;
}
const dir = 'app/migrations/versions';

ruleTester(multipleHeads, {
  valid: [
    {
      name: 'a linear history',
      sql: [rev('aaa111', 'None'), rev('bbb222', '"aaa111"'), rev('ccc333', '"bbb222"')],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`, `${dir}/ccc333_c.py`],
    },
    {
      name: 'a branch joined by a merge revision (tuple down_revision)',
      sql: [
        rev('aaa111', 'None'),
        rev('bbb222', '"aaa111"'),
        rev('ccc333', '"aaa111"'),
        rev('ddd444', '("bbb222", "ccc333")'),
      ],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`, `${dir}/ccc333_c.py`, `${dir}/ddd444_merge.py`],
    },
    {
      name: 'two versions directories, one head each',
      sql: [rev('aaa111', 'None'), rev('bbb222', 'None')],
      file: ['billing/versions/aaa111_a.py', 'accounts/versions/bbb222_b.py'],
    },
    {
      name: 'independent branches with their own branch_labels',
      sql: [
        rev('aaa111', 'None', 'branch_labels = ("billing",)'),
        rev('bbb222', '"aaa111"'),
        rev('ccc333', 'None', 'branch_labels = ("accounts",)'),
      ],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`, `${dir}/ccc333_c.py`],
    },
    {
      name: 'depends_on does not join heads, but a dependency that is also a parent is fine',
      sql: [rev('aaa111', 'None'), rev('bbb222', '"aaa111"', 'depends_on = "aaa111"')],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`],
    },
  ],
  invalid: [
    {
      name: 'two revisions on the same parent',
      sql: [rev('aaa111', 'None'), rev('bbb222', '"aaa111"'), rev('ccc333', '"aaa111"')],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`, `${dir}/ccc333_c.py`],
      errors: [
        {
          file: `${dir}/bbb222_b.py`,
          line: 8,
          message:
            'Revision bbb222 is one of 2 heads in app/migrations/versions: bbb222 (bbb222_b.py), ccc333 (ccc333_c.py)',
        },
        { file: `${dir}/ccc333_c.py`, line: 8, message: 'alembic upgrade head` fails' },
      ],
    },
    {
      name: 'two unrelated bases without labels',
      sql: [rev('aaa111', 'None'), rev('bbb222', '""')],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`],
      errors: [{ file: `${dir}/aaa111_a.py` }, { file: `${dir}/bbb222_b.py` }],
    },
    {
      name: 'a depends_on edge does not make a head stop being one',
      sql: [rev('aaa111', 'None'), rev('bbb222', '"aaa111"'), rev('ccc333', '"aaa111"', 'depends_on = ("bbb222",)')],
      file: [`${dir}/aaa111_a.py`, `${dir}/bbb222_b.py`, `${dir}/ccc333_c.py`],
      errors: [{ file: `${dir}/bbb222_b.py` }, { file: `${dir}/ccc333_c.py` }],
    },
  ],
});
