/**
 * What a project's Alembic `env.py` says that changes how its revisions run, read statically (never
 * executed): the `naming_convention` of `target_metadata` — Alembic builds `op.create_foreign_key(None, …)`
 * and the other constraint operations with it, so they get deterministic names — and the
 * `transaction_per_migration` / `transactional_ddl` options of `context.configure(…)`.
 *
 * `env.py` is the one beside the revision's `versions/` directory. When `target_metadata` comes from a
 * module of the project (`from app.models import Base` … `target_metadata = Base.metadata`), that module
 * is read too, following `from … import` up to a few hops. Files are read only when they are regular
 * files (not links) of modest size.
 */
import type { ConstraintDef, Migration, Operation, QualifiedName } from '../../ir/types.js';
import { assignTransactions } from '../../ir/transactions.js';
import { children, dottedName, parsePython, type SyntaxNode } from './python-tree.js';
import { evaluate, exactStr, lastName, type PyValue, type Scope } from './python-values.js';

/** The constraint kinds a naming convention names, by SQLAlchemy's short keys. */
export type ConventionKey = 'fk' | 'uq' | 'ck' | 'pk';

export interface AlembicEnvConfig {
  /** The env.py read. */
  envFile: string;
  /** The templates of target_metadata's naming_convention, by constraint kind (`"fk_%(table_name)s_…"`). */
  namingConvention?: Partial<Record<ConventionKey, string>>;
  /** `context.configure(transaction_per_migration=…)`: each revision in its own transaction (default: the whole run in one). */
  transactionPerMigration?: boolean;
  /** `context.configure(transactional_ddl=…)`: false runs every statement outside a transaction. */
  transactionalDdl?: boolean;
}

/** SQLAlchemy accepts the constraint class as the key too. */
const CONVENTION_KEYS: Record<string, ConventionKey> = {
  fk: 'fk',
  ForeignKeyConstraint: 'fk',
  uq: 'uq',
  UniqueConstraint: 'uq',
  ck: 'ck',
  CheckConstraint: 'ck',
  pk: 'pk',
  PrimaryKeyConstraint: 'pk',
};

const MAX_FILE_BYTES = 512 * 1024;
const MAX_IMPORT_HOPS = 3;
/** How far above env.py a project's top-level package may sit (`alembic/env.py`, `src/app/migrations/env.py`). */
const MAX_ROOT_LEVELS = 4;

/**
 * How env.py and the project modules it imports are read: set by the platform (the CLI reads the disk,
 * parsers/node-platform.ts); without one (the browser playground) no env.py is read.
 */
export interface ProjectFileReader {
  /** A regular file's text (not a symlink, at most `maxBytes`), else undefined. */
  read(path: string, maxBytes: number): string | undefined;
  /** A regular file's modification time, else undefined (no such file). */
  modified(path: string): number | undefined;
}
let files: ProjectFileReader = { read: () => undefined, modified: () => undefined };
export function setProjectFileReader(reader: ProjectFileReader): void {
  files = reader;
}

function readRegularFile(path: string): string | undefined {
  return files.read(path, MAX_FILE_BYTES);
}

/** The directory of a path (either separator), as node:path's dirname does for these paths. */
function dirname(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return '.';
  return cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

function join(...parts: string[]): string {
  return parts.join('/').replace(/\/{2,}/g, '/');
}

interface Module {
  path: string;
  root: SyntaxNode;
  scope: Scope;
  /** `from X import Y [as Z]` → Z: [X, Y]; `import X.Y as Z` → Z: [X.Y, undefined]. */
  imports: Map<string, [string, string | undefined]>;
  free(): void;
}

/** A module or imported name as written: `shop.models`, `.base`, `Base` (import statements use `dotted_name` nodes). */
function importedName(node: SyntaxNode | null | undefined): string | undefined {
  if (!node || !['dotted_name', 'identifier', 'relative_import'].includes(node.type)) return undefined;
  return node.text.replace(/\s+/g, '');
}

async function loadModule(path: string): Promise<Module | undefined> {
  const text = readRegularFile(path);
  if (text === undefined) return undefined;
  let tree;
  try {
    tree = await parsePython(text);
  } catch {
    return undefined;
  }
  const root = tree.rootNode;
  const scope: Scope = new Map();
  const imports = new Map<string, [string, string | undefined]>();
  for (const statement of children(root)) {
    if (statement.type === 'import_from_statement') {
      // `from .base import Base` keeps its dots: resolved against the importing module's directory.
      const from = importedName(statement.childForFieldName('module_name'));
      if (!from) continue;
      for (const item of statement.childrenForFieldName('name')) {
        if (!item) continue;
        const name = item.type === 'aliased_import' ? item.childForFieldName('name') : item;
        const alias = item.type === 'aliased_import' ? item.childForFieldName('alias') : item;
        const imported = importedName(name);
        if (imported && alias) imports.set(alias.text, [from, imported]);
      }
    } else if (statement.type === 'import_statement') {
      for (const item of statement.childrenForFieldName('name')) {
        if (!item) continue;
        if (item.type === 'aliased_import') {
          const module = importedName(item.childForFieldName('name'));
          const alias = item.childForFieldName('alias');
          if (module && alias) imports.set(alias.text, [module, undefined]);
        } else {
          const top = importedName(item)?.split('.')[0];
          if (top) imports.set(top, [top, undefined]);
        }
      }
    } else if (statement.type === 'expression_statement') {
      const inner = children(statement)[0];
      const left = inner?.childForFieldName('left');
      const right = inner?.childForFieldName('right');
      if (inner?.type === 'assignment' && left?.type === 'identifier' && right) {
        try {
          scope.set(left.text, evaluate(right, scope));
        } catch {
          scope.delete(left.text);
        }
      }
    }
  }
  return {
    path,
    root,
    scope,
    imports,
    free: () => {
      tree.delete();
    },
  };
}

/** Every node of a subtree, depth first (bounded: env.py and models modules are small). */
function* walk(node: SyntaxNode, depth = 0): Generator<SyntaxNode> {
  yield node;
  if (depth > 60) return;
  for (const c of node.namedChildren) if (c) yield* walk(c, depth + 1);
}

function keywordArgument(call: SyntaxNode, name: string): SyntaxNode | undefined {
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (arg?.type === 'keyword_argument' && arg.childForFieldName('name')?.text === name)
      return arg.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

function conventionOf(value: PyValue): Partial<Record<ConventionKey, string>> | undefined {
  if (value.kind !== 'dict') return undefined;
  const convention: Partial<Record<ConventionKey, string>> = {};
  for (const { key, value: template } of value.entries) {
    const k = key.kind === 'ref' ? lastName(key.name) : exactStr(key);
    const kind = k === undefined ? undefined : CONVENTION_KEYS[k];
    const text = exactStr(template);
    if (kind && text !== undefined) convention[kind] = text;
  }
  return convention;
}

/**
 * The naming convention a module gives a MetaData: `MetaData(naming_convention=…)` anywhere in it, or
 * `<something>.naming_convention = …` (SQLModel projects set `SQLModel.metadata.naming_convention`).
 * A name bound to the dict is looked up in the module, then through its imports.
 */
async function moduleConvention(
  module: Module,
  resolve: (from: Pick<Module, 'path'>, dotted: string) => Promise<Module | undefined>,
  hops: number,
): Promise<Partial<Record<ConventionKey, string>> | undefined> {
  for (const node of walk(module.root)) {
    let valueNode: SyntaxNode | undefined;
    if (node.type === 'call' && lastName(dottedName(node.childForFieldName('function'))) === 'MetaData')
      valueNode = keywordArgument(node, 'naming_convention');
    else if (node.type === 'assignment' && node.childForFieldName('left')?.text.endsWith('.naming_convention'))
      valueNode = node.childForFieldName('right') ?? undefined;
    if (!valueNode) continue;
    let value: PyValue;
    try {
      value = evaluate(valueNode, module.scope);
    } catch {
      continue;
    }
    if (value.kind === 'ref' && hops < MAX_IMPORT_HOPS) {
      const imported = module.imports.get(value.name);
      const target = imported ? await resolve(module, imported[0]) : undefined;
      const bound = imported?.[1] ? target?.scope.get(imported[1]) : undefined;
      target?.free();
      if (bound) value = bound;
    }
    const convention = conventionOf(value);
    if (convention) return convention;
  }
  return undefined;
}

function boolArgument(call: SyntaxNode, name: string): boolean | undefined {
  const v = keywordArgument(call, name)?.text;
  return v === 'True' ? true : v === 'False' ? false : undefined;
}

/** The function a node sits in (`run_migrations_online`), if any. */
function enclosingFunction(node: SyntaxNode): string | undefined {
  for (let n: SyntaxNode | null = node.parent; n; n = n.parent)
    if (n.type === 'function_definition') return n.childForFieldName('name')?.text;
  return undefined;
}

const cache = new Map<string, { mtimeMs: number; config: Promise<AlembicEnvConfig | undefined> }>();

/** The env.py settings for a revision file at `revisionPath` (`…/versions/<rev>.py`); undefined without an env.py. */
export function envConfigFor(revisionPath: string): Promise<AlembicEnvConfig | undefined> {
  const envFile = join(dirname(dirname(revisionPath)), 'env.py');
  const mtimeMs = files.modified(envFile);
  if (mtimeMs === undefined) return Promise.resolve(undefined);
  const hit = cache.get(envFile);
  if (hit?.mtimeMs === mtimeMs) return hit.config;
  const config = readEnvConfig(envFile);
  cache.set(envFile, { mtimeMs, config });
  return config;
}

/** Reads one env.py (see the module comment). */
export async function readEnvConfig(envFile: string): Promise<AlembicEnvConfig | undefined> {
  const env = await loadModule(envFile);
  if (!env) return undefined;
  const envDir = dirname(envFile);
  // A dotted module of the project: looked for beside env.py and in the directories above it.
  const resolve = (from: Pick<Module, 'path'>, dotted: string): Promise<Module | undefined> => {
    const dots = /^\.*/.exec(dotted)?.[0].length ?? 0;
    if (dots > 0) {
      let dir = dirname(from.path);
      for (let up = 1; up < dots; up++) dir = dirname(dir);
      const parts = dotted.slice(dots).split('.').filter(Boolean);
      for (const candidate of [join(dir, ...parts) + '.py', join(dir, ...parts, '__init__.py')])
        if (parts.length && readRegularFile(candidate) !== undefined) return loadModule(candidate);
      return Promise.resolve(undefined);
    }
    const parts = dotted.split('.');
    let dir = envDir;
    for (let level = 0; level <= MAX_ROOT_LEVELS; level++) {
      for (const candidate of [join(dir, ...parts) + '.py', join(dir, ...parts, '__init__.py')]) {
        if (readRegularFile(candidate) !== undefined) return loadModule(candidate);
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return Promise.resolve(undefined);
  };
  try {
    const config: AlembicEnvConfig = { envFile };
    let convention = await moduleConvention(env, resolve, 0);
    // target_metadata = Base.metadata / models.db.metadata: follow the import of its first name.
    if (!convention) {
      const target = env.scope.get('target_metadata');
      const rootName = target?.kind === 'ref' ? target.name.split('.')[0] : undefined;
      let imported = rootName ? env.imports.get(rootName) : undefined;
      let importer: Pick<Module, 'path'> = env;
      for (let hop = 0; imported && !convention && hop < MAX_IMPORT_HOPS; hop++) {
        const module = await resolve(importer, imported[0]);
        if (!module) break;
        try {
          convention = await moduleConvention(module, resolve, hop + 1);
          // The name may be re-exported from another module (`from .base import Base` in models/__init__.py).
          imported = imported[1] ? module.imports.get(imported[1]) : undefined;
          importer = { path: module.path };
        } finally {
          module.free();
        }
      }
    }
    if (convention && Object.keys(convention).length) config.namingConvention = convention;
    // The configure() call the deploy uses: the one in run_migrations_online, else the last one.
    const configures = [...walk(env.root)].filter(
      (n) => n.type === 'call' && dottedName(n.childForFieldName('function'))?.endsWith('context.configure'),
    );
    const configure = configures.find((c) => /online/.test(enclosingFunction(c) ?? '')) ?? configures.at(-1);
    if (configure) {
      const perMigration = boolArgument(configure, 'transaction_per_migration');
      const transactional = boolArgument(configure, 'transactional_ddl');
      if (perMigration !== undefined) config.transactionPerMigration = perMigration;
      if (transactional !== undefined) config.transactionalDdl = transactional;
    }
    return config;
  } finally {
    env.free();
  }
}

/**
 * The name SQLAlchemy renders from a naming-convention template for an unnamed constraint; undefined when
 * the template uses a token this does not know, or `%(constraint_name)s` (which needs an explicit name).
 */
export function conventionName(template: string, table: QualifiedName, c: ConstraintDef): string | undefined {
  const columns = c.columns;
  const referred = c.references;
  const unknown: string[] = [];
  const name = template.replace(/%\((\w+)\)s/g, (_m, token: string) => {
    const column = /^(referred_)?column_0(N|_N)?_(name|key|label)$/.exec(token);
    if (token === 'table_name') return table.name;
    if (token === 'referred_table_name' && referred) return referred.table.name;
    if (column) {
      const list = column[1] ? (referred?.columns ?? []) : columns;
      const owner = column[1] ? referred?.table.name : table.name;
      const shown = list.map((col) => (column[3] === 'label' ? `${owner ?? ''}_${col}` : col));
      if (shown.length === 0) {
        unknown.push(token);
        return '';
      }
      if (column[2] === 'N') return shown.join('');
      if (column[2] === '_N') return shown.join('_');
      return shown[0] ?? '';
    }
    unknown.push(token);
    return '';
  });
  return unknown.length > 0 || name.length > 63 ? undefined : name;
}

const CONVENTION_OF: Partial<Record<ConstraintDef['type'], ConventionKey>> = {
  'foreign-key': 'fk',
  unique: 'uq',
  check: 'ck',
  'primary-key': 'pk',
};

/** Alembic operations that build their constraints through target_metadata (raw SQL in op.execute does not). */
const BUILDS_CONSTRAINTS =
  /^\w+\.(create_foreign_key|create_unique_constraint|create_check_constraint|create_primary_key|add_column|create_table)\b/;

/**
 * Applies env.py to a parsed revision: unnamed constraints that Alembic names by the convention get that
 * name; `transactional_ddl=False` takes every statement out of a transaction; the transaction facts say
 * how env.py runs the revisions.
 */
export function applyEnvConfig(migration: Migration, config: AlembicEnvConfig | undefined): Migration {
  if (!config) return migration;
  const convention = config.namingConvention;
  if (convention) {
    const lines = migration.source.split('\n');
    const builtByAlembic = (op: Operation) =>
      BUILDS_CONSTRAINTS.test((lines[op.span.line - 1] ?? '').slice(op.span.column - 1));
    const name = (table: QualifiedName, c: ConstraintDef) => {
      const key = CONVENTION_OF[c.type];
      const template = key ? convention[key] : undefined;
      if (c.name !== undefined || template === undefined) return;
      const rendered = conventionName(template, table, c);
      if (rendered !== undefined) c.name = rendered;
    };
    for (const op of migration.ops) {
      if (!builtByAlembic(op)) continue;
      if (op.kind === 'add-constraint') name(op.table, op.constraint);
      else if (op.kind === 'add-column') for (const c of op.column.constraints) name(op.table, c);
      else if (op.kind === 'create-table')
        for (const c of [...op.constraints, ...op.columns.flatMap((col) => col.constraints)]) name(op.table, c);
    }
  }
  if (config.transactionalDdl === false) {
    migration.transaction = 'none';
    assignTransactions(migration.ops, 'none');
  } else if (config.transactionPerMigration !== undefined) {
    migration.transactionFacts = {
      wrapped: {
        reason: config.transactionPerMigration
          ? 'Alembic runs each migration in its own transaction on Postgres (transaction_per_migration=True in env.py)'
          : 'Alembic runs the whole upgrade in one transaction on Postgres (env.py does not set transaction_per_migration)',
        fix: 'run the statement inside `with op.get_context().autocommit_block():`',
      },
    };
  }
  return migration;
}
