/**
 * Fixes in JS/TS migrations, placed by the module's syntax tree (never by guessing at text): the
 * migration's own function, its class, its exports.
 * - CONCURRENTLY in the SQL string of a raw call, or node-pg-migrate's `{ concurrently: true }`;
 *   with the framework's way out of the transaction: node-pg-migrate `pgm.noTransaction()`, Knex
 *   `config = { transaction: false }`, TypeORM `transaction = false`.
 * - `SET lock_timeout` as the first statement of the migration function, in the framework's call.
 */
import type { Finding } from '../engine/types.js';
import type { MigrationFormat } from '../ir/types.js';
import { children, type FunctionNode, isFunction, keyName, type Node, unwrap } from '../parsers/typescript/ast.js';
import { parseModule } from '../parsers/typescript/estree.js';
import { Scope } from '../parsers/typescript/scope.js';
import { findMigrationShape, type MigrationShape } from '../parsers/typescript/shape.js';
import {
  embeddedConcurrently,
  findingOffsets,
  insertionEdit,
  keywordInsertion,
  LOCK_TIMEOUT,
  type OffsetEdit,
  type TextFix,
} from './edits.js';

interface Module {
  program: Node;
  shape: MigrationShape;
}

async function readModule(text: string, path: string): Promise<Module | undefined> {
  const parsed = await parseModule(text, path);
  if (!parsed.ok) return undefined;
  return { program: parsed.program, shape: findMigrationShape(parsed.program, new Scope(parsed.program)) };
}

/** The migration function of the finding's direction. */
function migrationFunction(shape: MigrationShape, finding: Finding): FunctionNode | undefined {
  const fn = finding.direction === 'upgrade' ? shape.up : shape.down;
  return fn && isFunction(fn) ? fn : undefined;
}

/** A new first line of a block body, with the first statement's indentation; undefined for an expression body. */
function atBodyStart(text: string, fn: FunctionNode, statement: (param: string | undefined) => string | undefined) {
  const first = fn.body.type === 'BlockStatement' ? (fn.body.body as Node[])[0] : undefined;
  if (!first) return undefined;
  const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
  const indent = text.slice(lineStart, first.range[0]);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const param = fn.params[0]?.type === 'Identifier' ? fn.params[0].name : undefined;
  const line = statement(param);
  return line === undefined ? undefined : { start: lineStart, end: lineStart, text: `${indent}${line}\n` };
}

/** The innermost call whose range holds `offset`. */
function callAt(node: Node, offset: number): Node | undefined {
  if (node.range[0] > offset || node.range[1] < offset) return undefined;
  for (const child of children(node)) {
    const inner = callAt(child, offset);
    if (inner) return inner;
  }
  return node.type === 'CallExpression' ? node : undefined;
}

/** node-pg-migrate's `createIndex(table, columns[, options])` / `dropIndex` with `concurrently: true`. */
function concurrentlyOption(call: Node | undefined, names: readonly string[]): OffsetEdit | undefined {
  if (call?.type !== 'CallExpression') return undefined;
  const callee = unwrap(call.callee);
  if (callee?.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return undefined;
  if (!names.includes(callee.property.name)) return undefined;
  const args = call.arguments;
  const [, columns, third] = args;
  const options = unwrap(third);
  if (args.length === 2 && columns)
    return { start: columns.range[1], end: columns.range[1], text: ', { concurrently: true }' };
  if (options?.type !== 'ObjectExpression') return undefined;
  const props = options.properties;
  if (props.some((p) => keyName(p) === 'concurrently' || p.type === 'SpreadElement')) return undefined;
  const [firstProp] = props;
  if (!firstProp) return { start: options.range[0], end: options.range[1], text: '{ concurrently: true }' };
  return { start: firstProp.range[0], end: firstProp.range[0], text: 'concurrently: true, ' };
}

/** The framework's own way to run this migration outside a transaction, when the file can say it. */
function noTransaction(text: string, module: Module, fn: FunctionNode, format: MigrationFormat | undefined) {
  const { shape } = module;
  switch (format) {
    case 'node-pg-migrate':
      if (/\.noTransaction\s*\(/.test(text.slice(fn.range[0], fn.range[1]))) return undefined;
      return atBodyStart(text, fn, (p) => (p ? `${p}.noTransaction();` : undefined));
    case 'knex': {
      if (shape.exports.has('config')) return undefined;
      const line = /\bmodule\.exports\s*=/.test(text)
        ? 'module.exports.config = { transaction: false };'
        : /\bexports\.\w+\s*=/.test(text)
          ? 'exports.config = { transaction: false };'
          : 'export const config = { transaction: false };';
      return { start: text.length, end: text.length, text: `${text.endsWith('\n') ? '' : '\n'}\n${line}\n` };
    }
    case 'typeorm': {
      const classNode = shape.classNode;
      const first =
        classNode?.type === 'ClassDeclaration' || classNode?.type === 'ClassExpression'
          ? classNode.body.body[0]
          : undefined;
      if (!first || shape.members.has('transaction')) return undefined;
      const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
      const indent = text.slice(lineStart, first.range[0]);
      if (!/^[ \t]*$/.test(indent)) return undefined;
      const visibility = 'accessibility' in first && first.accessibility === 'public' ? 'public ' : '';
      return { start: lineStart, end: lineStart, text: `${indent}${visibility}transaction = false;\n\n` };
    }
    default:
      return undefined;
  }
}

export async function scriptConcurrentIndex(
  finding: Finding,
  text: string,
  format: MigrationFormat | undefined,
  creation: boolean,
  mayLeaveTransaction: boolean,
): Promise<TextFix[]> {
  const module = await readModule(text, finding.file);
  const fn = module && migrationFunction(module.shape, finding);
  if (!module || !fn) return [];
  const keyword = creation
    ? embeddedConcurrently(finding, text)
    : keywordInsertion(finding, text, /\bDROP\s+INDEX\b(?!\s+CONCURRENTLY\b)/iy, ' CONCURRENTLY', '');
  let content = keyword && insertionEdit(text, keyword);
  if (!content && format === 'node-pg-migrate') {
    const call = callAt(module.program, findingOffsets(finding, text).start);
    content = concurrentlyOption(call, creation ? ['createIndex', 'addIndex'] : ['dropIndex']);
  }
  if (!content) return [];
  const way = mayLeaveTransaction ? noTransaction(text, module, fn, format) : undefined;
  const verb = creation ? 'Create' : 'Drop';
  return [
    {
      title: way ? `${verb} the index CONCURRENTLY, outside the transaction` : `${verb} the index CONCURRENTLY`,
      edits: way ? [content, way] : [content],
    },
  ];
}

/** `SET lock_timeout` as the migration function's first statement, in the framework's own call. */
export async function scriptLockTimeout(
  finding: Finding,
  text: string,
  format: MigrationFormat | undefined,
  inTransaction: boolean,
): Promise<TextFix[]> {
  const module = await readModule(text, finding.file);
  const fn = module && migrationFunction(module.shape, finding);
  if (!fn) return [];
  const SET = `SET${inTransaction ? ' LOCAL' : ''} lock_timeout = ${LOCK_TIMEOUT}`;
  const awaited = fn.async;
  const edit = atBodyStart(text, fn, (p) => {
    switch (format) {
      case 'knex':
        return p && awaited ? `await ${p}.raw("${SET}");` : undefined;
      case 'typeorm':
        return p && awaited ? `await ${p}.query("${SET}");` : undefined;
      case 'node-pg-migrate':
        return p ? `${p}.sql("${SET}");` : undefined;
      case 'sequelize':
        return p && awaited ? `await ${p}.sequelize.query("${SET}");` : undefined;
      case 'mikro-orm':
        return `this.addSql("${SET}");`;
      default:
        return undefined;
    }
  });
  return edit ? [{ title: `Set lock_timeout = ${LOCK_TIMEOUT} at the start of the migration`, edits: [edit] }] : [];
}
