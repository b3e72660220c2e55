/**
 * The TypeScript/JavaScript migration pipeline shared by every framework: detect the framework from
 * imports and shapes (cheap regexes, no parse), parse the module with typescript-estree (loaded
 * lazily), find `up`/`down`, let the framework's reader turn calls into IR ops, then settle
 * transactions and the downgrade facts. Nothing in the file is ever imported or executed.
 */
import type {
  Direction,
  DowngradeInfo,
  FileDiagnostic,
  FormatHelp,
  Migration,
  MigrationFormat,
  MigrationIdentity,
  SourceSpan,
  TransactionFacts,
  TransactionMode,
} from '../../ir/types.js';
import { LineIndex } from '../../ir/source-text.js';
import { initSqlParser } from '../sql/parse-sql.js';
import type { FormatParser, ParseOptions, SourceFile } from '../types.js';
import type { FunctionNode, Node } from './ast.js';
import { OpCollector } from './collector.js';
import { parseModule } from './estree.js';
import { Scope } from './scope.js';
import { bodyStatements, findMigrationShape, type MigrationShape } from './shape.js';

export const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

/** What a framework's reader gets. */
export interface ReadInput {
  file: string;
  source: string;
  program: Node;
  scope: Scope;
  shape: MigrationShape;
  collector: OpCollector;
}

/** What a framework's reader decides besides the ops. */
export interface ReadOutput {
  /** How the tool runs each direction with respect to transactions. */
  transaction: Record<Direction, TransactionMode>;
  /** Downgrade facts; defaults to `downgradeFacts(input)`. */
  downgrade?: DowngradeInfo;
}

export interface FrameworkSpec {
  format: MigrationFormat;
  /** Detection: patterns of a migration of this framework, with their weight (highest total wins). */
  signals: readonly (readonly [RegExp, number])[];
  /** The name `up`'s first parameter has in this framework's migrations (`knex`, `pgm`…): 10 more. */
  upParameter?: string;
  /** Packages and files that declare the framework in a repository (for `init`). */
  declaredBy?: FormatParser['declaredBy'];
  /** Human name for messages. */
  name: string;
  read(input: ReadInput): ReadOutput;
  /** How the framework's transactions read in messages, and how a migration leaves one. */
  transactionFacts?: TransactionFacts;
  /** How the framework recognises an applied migration (default: by file name). */
  identifiedBy?: MigrationIdentity;
  /** How the framework does what rules recommend. */
  formatHelp?: FormatHelp;
}

// ---------------------------------------------------------------------------------------------
// Detection

/**
 * A file can only be a migration if it defines something named `up` (calling `migration.up(…)`, as
 * tests and runners do, is not enough): `exports.up =`, `function up(`, `const up =`, a method
 * `up(…) {`, a property `up: …`, or an export list naming `up`.
 */
const UP_SHAPE = new RegExp(
  [
    String.raw`\bexports\.up\s*=`,
    String.raw`\bfunction\s+up\s*[(<]`,
    String.raw`\b(?:const|let|var)\s+up\b`,
    String.raw`(?<![.\w$])up\s*(?:<[^>]*>)?\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*(?::[^{;=]*)?\{`,
    String.raw`(?<![.\w$])up\s*:\s*(?:async\b|function\b|\(|[\w$]+\s*=>)`,
    String.raw`(?:exports\s*=|export\s+default|export)\s*\{[^}]*\bup\b`,
  ].join('|'),
);

const UP_PARAM =
  /\bup\s*(?:=\s*(?:async\s*)?(?:function\s*)?|:\s*(?:async\s*)?(?:function\s*)?)?\(\s*(\w+)|\bfunction\s+up\s*\(\s*(\w+)|\basync\s+up\s*\(\s*(\w+)|\bup\s*[=:]\s*(?:async\s+)?(\w+)\s*=>/;

/** Code that runs or lists migrations: Umzug, a Kysely MigrationProvider/Migrator, a `getMigrations()`. */
const PROVIDER =
  /\bnew\s+Umzug\s*[(<]|\bimplements\s+MigrationProvider\b|:\s*MigrationProvider\b|\bnew\s+(?:FileMigrationProvider|Migrator)\s*\(|\bgetMigrations\s*\(\s*\)\s*(?::[^{]*)?\{/;
/**
 * Migrations of its own: `up` defined at the top level of the module, an `up(…) {` method (a
 * migration class), or inline registry entries (`migrations['001'] = { async up(db) {…} }`, read as
 * units). An interface's `up(db): Promise<void>;` is not one.
 */
const OWN_UP =
  /^(?:exports\.up\s*=|module\.exports\.up\s*=|module\.exports\s*=\s*\{|export\s+(?:async\s+)?function\s+up\b|export\s+const\s+up\b|[\w$]+(?:\[[^\]\n]+\]|\.[\w$]+)\s*=\s*\{)|^[ \t]+(?:(?:public|async)\s+)*up\s*\([^)\n]*\)[^;{\n]*\{/m;
/** Lines of an index module that only gathers other modules. */
const BARREL_LINE =
  /^\s*(?:$|\/\/|\/\*|\*|import\b|export\s*\*|export\s*\{[^}]*\}\s*from\b|export\s+(?:const|default)\s+[\w$]+\s*(?::[^=]+)?=\s*[[{]|export\s+default\s*[[{]|module\.exports\s*=\s*[[{]|[\w$'"[\]]+\s*[:,]|[\w$]+,?\s*$|[\]}][\s;),]*$|const\s+[\w${},\s]+=\s*require\()/;

const USE_STRICT = /(['"])use strict\1;?/y;

/**
 * Whether a text has nothing but comments, whitespace and a 'use strict' directive: a migration whose
 * whole body was commented out (kept as an archive). Scanned in one pass, never backtracking.
 */
function onlyComments(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) i++;
    else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      if (end === -1) return true;
      i = end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) return false; // unterminated: the parser reports it
      i = end + 2;
    } else {
      USE_STRICT.lastIndex = i;
      if (!USE_STRICT.test(text)) return false;
      i = USE_STRICT.lastIndex;
    }
  }
  return true;
}

/**
 * A provider/runner module or an `index` barrel among the migrations lists them but is not one, and a
 * file whose code is all commented out defines nothing; the run skips them (shown under --verbose)
 * instead of reporting "no migration found".
 */
export function notMigrationReason(file: SourceFile): string | undefined {
  if (onlyComments(file.text)) return 'not a migration: the file holds no code, only comments';
  if (PROVIDER.test(file.text) && !OWN_UP.test(file.text))
    return 'not a migration: a module that provides or runs the migrations';
  if (/(?:^|[\\/])index\.[cm]?[jt]s$/i.test(file.path) && file.text.split('\n').every((line) => BARREL_LINE.test(line)))
    return 'not a migration: an index module that lists the migrations';
  return undefined;
}

/** Whether a text defines `up`, and the name of its first parameter: the same for every framework's score. */
let lastShape: { text: string; hasUp: boolean; param: string | undefined } | undefined;

function upShape(text: string): { hasUp: boolean; param: string | undefined } {
  if (lastShape?.text !== text) {
    const hasUp = UP_SHAPE.test(text);
    const m = hasUp ? UP_PARAM.exec(text) : null;
    // `exports.up = async knex => …` names its parameter without parentheses.
    lastShape = { text, hasUp, param: m?.[1] ?? m?.[2] ?? m?.[3] ?? m?.[4] };
  }
  return lastShape;
}

/** How sure detection is that a text is a migration of this framework (0 = not one). Cheap: regexes only. */
export function frameworkScore(spec: Pick<FrameworkSpec, 'signals' | 'upParameter'>, text: string): number {
  const { hasUp, param } = upShape(text);
  if (!hasUp) return 0;
  let score = 0;
  for (const [re, weight] of spec.signals) if (re.test(text)) score += weight;
  if (param !== undefined && param === spec.upParameter) score += 10;
  return score;
}

// ---------------------------------------------------------------------------------------------
// Downgrade facts

function firstLineSpan(collector: OpCollector, node: Node | undefined): SourceSpan {
  const start = node ? node.range[0] : 0;
  const lineEnd = collector.source.indexOf('\n', start);
  const end = node ? Math.min(node.range[1], lineEnd === -1 ? collector.source.length : lineEnd) : 0;
  return collector.span([start, Math.max(start, end)]);
}

/** Whether a function body only throws (an explicit "cannot be reverted"). */
function onlyThrows(fn: FunctionNode): boolean {
  const stmts = bodyStatements(fn);
  return stmts.length > 0 && stmts.every((s) => s.type === 'ThrowStatement');
}

/**
 * `present` when `down` produced any op (including not-understood ones) or SQL that does not parse, `empty` when it exists and
 * does nothing, `irreversible` when it only throws or is `false`, `absent` when not defined.
 */
export function downgradeFacts(input: ReadInput, absent: Omit<DowngradeInfo, 'state' | 'span'> = {}): DowngradeInfo {
  const { shape, collector } = input;
  if (shape.down === false) return { state: 'irreversible', span: firstLineSpan(collector, shape.downNode) };
  if (!shape.down) {
    const where = shape.classNode?.id ?? shape.classNode ?? undefined;
    return { state: 'absent', span: firstLineSpan(collector, where), ...absent };
  }
  const span = firstLineSpan(collector, shape.down);
  // SQL Postgres rejects is still something down() sends (it fails; the parse-error says so).
  if (
    collector.ops.some((op) => op.direction === 'downgrade') ||
    collector.diagnostics.some((d) => d.direction === 'downgrade')
  )
    return { state: 'present', span };
  if (onlyThrows(shape.down)) return { state: 'irreversible', span, note: 'down() only throws' };
  return { state: 'empty', span };
}

// ---------------------------------------------------------------------------------------------
// Parsing

function failure(
  file: SourceFile,
  format: MigrationFormat,
  diagnostic: Omit<FileDiagnostic, 'span'> & { offset: number },
): Migration {
  const index = new LineIndex(file.text);
  return {
    file: file.path,
    format,
    ops: [],
    transaction: 'wrapped',
    diagnostics: [
      {
        rule: diagnostic.rule,
        message: diagnostic.message,
        span: index.span(file.path, diagnostic.offset, diagnostic.offset),
      },
    ],
    source: file.text,
  };
}

export async function parseFrameworkMigration(
  spec: FrameworkSpec,
  file: SourceFile,
  options?: Pick<ParseOptions, 'dialect'>,
): Promise<Migration[]> {
  await initSqlParser();
  const parsed = await parseModule(file.text, file.path);
  if (!parsed.ok)
    return [
      failure(file, spec.format, {
        rule: 'parse-error',
        message: `Cannot parse this file as TypeScript/JavaScript: ${parsed.message}`,
        offset: parsed.offset,
      }),
    ];
  const scope = new Scope(parsed.program, options?.dialect);
  const shape = findMigrationShape(parsed.program, scope);
  if (!shape.up && shape.units) return parseUnits(spec, file, parsed.program, scope, shape);
  if (!shape.up) {
    return [
      failure(file, spec.format, {
        rule: 'parse-error',
        message: `No ${spec.name} migration found: the file defines no up() function (exports.up, export function up, module.exports = { up }, or a class with an up() method).`,
        offset: 0,
      }),
    ];
  }
  const collector = new OpCollector(file.path, file.text, scope);
  const input: ReadInput = { file: file.path, source: file.text, program: parsed.program, scope, shape, collector };
  const out = spec.read(input);
  collector.finish(out.transaction);
  const migration: Migration = {
    file: file.path,
    format: spec.format,
    ops: collector.ops,
    transaction: out.transaction.upgrade,
    downgrade: out.downgrade ?? downgradeFacts(input),
    diagnostics: collector.diagnostics,
    source: file.text,
  };
  if (out.transaction.downgrade !== out.transaction.upgrade)
    migration.transactionByDirection = { downgrade: out.transaction.downgrade };
  if (collector.otherDatabaseCode) migration.otherDatabaseCode = true;
  return [migration];
}

/**
 * A file holding several migrations (an inline migration provider): each `up`/`down` pair is read on
 * its own and its ops are stamped with the migration's name (`revision`); the file gives one migration
 * per unit, so "earlier in the same migration" means the same unit, as the tool runs them.
 */
function parseUnits(
  spec: FrameworkSpec,
  file: SourceFile,
  program: Node,
  scope: Scope,
  shape: MigrationShape,
): Migration[] {
  const ops: Migration['ops'] = [];
  const diagnostics: FileDiagnostic[] = [];
  const units: { name: string; downgrade: DowngradeInfo }[] = [];
  let transaction: ReadOutput['transaction'] | undefined;
  let otherDatabaseCode = false;
  for (const unit of shape.units ?? []) {
    const unitShape: MigrationShape = { ...shape, up: unit.up };
    delete unitShape.units;
    delete unitShape.down;
    delete unitShape.downNode;
    if (unit.down !== undefined) unitShape.down = unit.down;
    if (unit.downNode) unitShape.downNode = unit.downNode;
    const collector = new OpCollector(file.path, file.text, scope);
    const input: ReadInput = { file: file.path, source: file.text, program, scope, shape: unitShape, collector };
    const out = spec.read(input);
    collector.finish(out.transaction);
    transaction ??= out.transaction;
    const base = ops.length ? Math.max(...ops.map((op) => op.statementIndex)) + 1 : 0;
    for (const op of collector.ops) {
      op.statementIndex += base;
      op.revision = unit.name;
    }
    ops.push(...collector.ops);
    diagnostics.push(...collector.diagnostics);
    if (collector.otherDatabaseCode) otherDatabaseCode = true;
    const facts = out.downgrade ?? downgradeFacts(input);
    // A missing down is reported where that migration is defined.
    if (facts.state === 'absent') facts.span = firstLineSpan(collector, unit.node);
    units.push({ name: unit.name, downgrade: facts });
  }
  const modes = transaction ?? { upgrade: 'wrapped', downgrade: 'wrapped' };
  const migration: Migration = {
    file: file.path,
    format: spec.format,
    ops,
    transaction: modes.upgrade,
    diagnostics,
    source: file.text,
  };
  if (modes.downgrade !== modes.upgrade) migration.transactionByDirection = { downgrade: modes.downgrade };
  if (otherDatabaseCode) migration.otherDatabaseCode = true;
  return splitUnits(migration, units);
}

/** One migration per unit of a multi-migration file, in file order (the order the provider lists them). */
function splitUnits(m: Migration, units: readonly { name: string; downgrade: DowngradeInfo }[]): Migration[] {
  return units.map((u, i) => {
    const piece: Migration = {
      file: m.file,
      format: m.format,
      ops: m.ops.filter((op) => op.revision === u.name),
      transaction: m.transaction,
      revision: u.name,
      downgrade: u.downgrade,
      diagnostics: i === 0 ? m.diagnostics : [],
      source: m.source,
    };
    if (m.transactionByDirection) piece.transactionByDirection = m.transactionByDirection;
    if (m.otherDatabaseCode) piece.otherDatabaseCode = true;
    return piece;
  });
}

export function frameworkParser(spec: FrameworkSpec): FormatParser {
  return {
    format: spec.format,
    extensions: TS_EXTENSIONS,
    ...(spec.transactionFacts ? { transactionFacts: spec.transactionFacts } : {}),
    ...(spec.identifiedBy ? { identifiedBy: spec.identifiedBy } : {}),
    ...(spec.formatHelp ? { formatHelp: spec.formatHelp } : {}),
    ...(spec.declaredBy ? { declaredBy: spec.declaredBy } : {}),
    detect: (file) => frameworkScore(spec, file.text),
    notMigration: notMigrationReason,
    parse: (file, options) => parseFrameworkMigration(spec, file, options),
    // The framework's migrator runs its migrations as one list: they stay together, where the first one is.
    arrangeRun: (migrations) => migrations,
  };
}
