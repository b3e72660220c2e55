/**
 * Names a revision file uses but never binds: `sqlmodel.sql.sqltypes.AutoString()` without
 * `import sqlmodel` (what SQLModel's autogenerate writes), `postgresql.JSONB` without importing the
 * dialect, `sa.` without `import sqlalchemy as sa`. Python raises NameError when it reaches such a
 * name, so `alembic upgrade` stops half-way through a deploy.
 *
 * Deliberately conservative: a name bound anywhere in the file (import, assignment, parameter, loop
 * or `with … as` target, def, class…) counts as bound everywhere, and a `from … import *` turns the
 * check off; only the roots of attribute chains (`sa.Column`) and called names (`JSONB()`) are checked.
 * The walk is iterative, so a hostile file nested thousands deep cannot overflow the stack.
 */
import type { SyntaxNode } from './python-tree.js';

const BUILTINS = new Set(
  (
    'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex delattr dict dir divmod ' +
    'enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass iter len ' +
    'list locals map max memoryview min next object oct open ord pow print property range repr reversed round set setattr slice sorted ' +
    'staticmethod str sum super tuple type vars zip __import__ __name__ __file__ __doc__ __spec__ __builtins__ __debug__ ' +
    'BaseException Exception ArithmeticError AssertionError AttributeError EOFError ImportError ModuleNotFoundError IndexError KeyError ' +
    'KeyboardInterrupt LookupError MemoryError NameError NotImplementedError OSError OverflowError RecursionError ReferenceError ' +
    'RuntimeError StopIteration SyntaxError SystemError SystemExit TypeError ValueError ZeroDivisionError UnicodeError ' +
    'UnicodeDecodeError UnicodeEncodeError Warning DeprecationWarning UserWarning RuntimeWarning FileNotFoundError PermissionError ' +
    'TimeoutError ConnectionError NotImplemented Ellipsis True False None'
  ).split(' '),
);

/** Identifiers in a binding target (`a`, `a, b`, `(a, [b, *c])`), not the objects of `x.y = …` or `x[0] = …`. */
function targetNames(target: SyntaxNode, into: Set<string>): void {
  const stack = [target];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier') into.add(n.text);
    else if (n.type !== 'attribute' && n.type !== 'subscript') for (const c of n.namedChildren) if (c) stack.push(c);
  }
}

/** Every identifier below a node (parameter lists: defaults included, which only makes the check more lenient). */
function allIdentifiers(node: SyntaxNode, into: Set<string>): void {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier') into.add(n.text);
    else for (const c of n.namedChildren) if (c) stack.push(c);
  }
}

function importedNames(statement: SyntaxNode, into: Set<string>): boolean {
  let afterImport = statement.type === 'import_statement';
  for (const c of statement.children) {
    if (!c) continue;
    if (c.type === 'import') {
      afterImport = true;
      continue;
    }
    if (!afterImport) continue;
    if (c.type === 'wildcard_import') return false;
    if (c.type === 'aliased_import') {
      const alias = c.childForFieldName('alias');
      if (alias) into.add(alias.text);
    } else if (c.type === 'dotted_name') {
      // `import a.b` binds a; `from m import b` binds b.
      const parts = c.namedChildren.filter((p) => p?.type === 'identifier');
      const bound = statement.type === 'import_statement' ? parts[0] : parts.at(-1);
      if (bound) into.add(bound.text);
    }
  }
  return true;
}

/** The first use of each unbound name, in source order; [] when a star import makes names unknowable. */
export function unboundNames(root: SyntaxNode): SyntaxNode[] {
  const bound = new Set<string>();
  const uses: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    switch (n.type) {
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        if (!importedNames(n, bound)) return [];
        continue;
      case 'function_definition':
      case 'class_definition': {
        const name = n.childForFieldName('name');
        if (name) bound.add(name.text);
        break;
      }
      case 'parameters':
      case 'lambda_parameters':
      case 'global_statement':
      case 'nonlocal_statement':
      case 'as_pattern_target':
        allIdentifiers(n, bound);
        break;
      case 'assignment':
      case 'augmented_assignment':
      case 'for_statement':
      case 'for_in_clause': {
        const left = n.childForFieldName('left');
        if (left) targetNames(left, bound);
        break;
      }
      case 'named_expression': {
        const name = n.childForFieldName('name');
        if (name) bound.add(name.text);
        break;
      }
      case 'attribute': {
        const object = n.childForFieldName('object');
        if (object?.type === 'identifier') uses.push(object);
        break;
      }
      case 'call': {
        const fn = n.childForFieldName('function');
        if (fn?.type === 'identifier') uses.push(fn);
        break;
      }
      default:
        break;
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  const seen = new Set<string>();
  return uses
    .filter((u) => !bound.has(u.text) && !BUILTINS.has(u.text))
    .sort((a, b) => a.startIndex - b.startIndex)
    .filter((u) => (seen.has(u.text) ? false : (seen.add(u.text), true)));
}

const SQLALCHEMY_NAMES = new Set(
  'Column ForeignKey Table MetaData Index UniqueConstraint CheckConstraint PrimaryKeyConstraint ForeignKeyConstraint Identity Computed Sequence text func select table column literal_column and_ or_ not_ case cast null true false String Text Unicode UnicodeText Integer BigInteger SmallInteger Numeric Float Boolean Date DateTime Time Interval LargeBinary JSON Enum ARRAY UUID Uuid'.split(
    ' ',
  ),
);
const POSTGRESQL_NAMES = new Set(
  'JSONB INET CIDR MACADDR TSVECTOR BYTEA DOUBLE_PRECISION ENUM HSTORE INTERVAL MONEY OID REGCLASS TIMESTAMP TSRANGE INT4RANGE DATERANGE'.split(
    ' ',
  ),
);
const MODULES: Record<string, string> = {
  sa: 'import sqlalchemy as sa',
  sqlalchemy: 'import sqlalchemy',
  sqlmodel: 'import sqlmodel',
  op: 'from alembic import op',
  context: 'from alembic import context',
  postgresql: 'from sqlalchemy.dialects import postgresql',
  mysql: 'from sqlalchemy.dialects import mysql',
  sqlite: 'from sqlalchemy.dialects import sqlite',
  mssql: 'from sqlalchemy.dialects import mssql',
  oracle: 'from sqlalchemy.dialects import oracle',
  pg: 'from sqlalchemy.dialects import postgresql as pg',
  AutoString: 'from sqlmodel.sql.sqltypes import AutoString',
  GUID: 'from sqlmodel.sql.sqltypes import GUID',
};

/** The import line that binds a name, for the names revision files commonly use; undefined otherwise. */
export function importFor(name: string): string | undefined {
  if (MODULES[name]) return MODULES[name];
  if (SQLALCHEMY_NAMES.has(name)) return `from sqlalchemy import ${name}`;
  if (POSTGRESQL_NAMES.has(name)) return `from sqlalchemy.dialects.postgresql import ${name}`;
  return undefined;
}
