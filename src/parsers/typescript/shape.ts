/**
 * Finds a migration's entry points in a module, whatever way the framework's users export them:
 * `exports.up = …`, `module.exports = { up, down }`, `export async function up`, `export const up`,
 * `export default { … }`, or a class with `up`/`down` methods (TypeORM, MikroORM).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { type FunctionNode, isFunction, keyName, type Node, unwrap } from './ast.js';
import { objectProperties, type Scope } from './scope.js';

export interface MigrationShape {
  up?: FunctionNode;
  /** The `down` function; `false` for `exports.down = false`; undefined when not defined. */
  down?: FunctionNode | false;
  /** Where `down` is declared (for `exports.down = false`), when it is. */
  downNode?: Node;
  /** Other module exports by name (`config`, `shorthands`…), as their value expressions. */
  exports: Map<string, Node>;
  /** The migration class, when the migration is one (TypeORM, MikroORM). */
  classNode?: TSESTree.ClassDeclaration | TSESTree.ClassExpression;
  /** Class members by name: methods as their function, properties as their value (`transaction = false`). */
  members: Map<string, Node>;
  /**
   * Several migrations defined in one file (`migrations['001'] = { async up(db) {…}, … }`, as Kysely's
   * inline MigrationProvider examples do), in file order, when the file has no single `up`.
   */
  units?: { name: string; up: FunctionNode; down?: FunctionNode | false; downNode?: Node; node: Node }[];
}

function asFunction(scope: Scope, node: Node | undefined): FunctionNode | undefined {
  const n = unwrap(node);
  if (isFunction(n)) return n;
  if (n?.type === 'Identifier')
    return (
      scope.localFunction(n.name) ?? (isFunction(scope.resolve(n)) ? (scope.resolve(n) as FunctionNode) : undefined)
    );
  return undefined;
}

type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

function classMembers(cls: ClassNode): Map<string, Node> {
  const members = new Map<string, Node>();
  for (const m of cls.body.body) {
    const name = keyName(m);
    if (name === undefined || ('static' in m && m.static)) continue;
    if (m.type === 'MethodDefinition' || m.type === 'TSAbstractMethodDefinition') members.set(name, m.value);
    else if (m.type === 'PropertyDefinition' && m.value) members.set(name, m.value);
  }
  return members;
}

/** `export { up as 'up' }`: a specifier's name is an identifier or a string. */
function specifierName(n: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return n.type === 'Identifier' ? n.name : n.value;
}

function hasUpMethod(cls: ClassNode): boolean {
  return classMembers(cls).has('up');
}

export function findMigrationShape(program: TSESTree.Program, scope: Scope): MigrationShape {
  const exports = new Map<string, Node>();
  const classes: TSESTree.ClassDeclaration[] = [];
  let exportedClass: ClassNode | undefined;

  const addObject = (node: Node | undefined) => {
    const obj = objectProperties(scope, node);
    if (obj) for (const [k, v] of obj.props) exports.set(k, v);
  };
  const takeValue = (value: Node | undefined) => {
    const v = scope.resolve(value);
    if (!v) return;
    if (v.type === 'ObjectExpression') addObject(v);
    else if ((v.type === 'ClassExpression' || v.type === 'ClassDeclaration') && hasUpMethod(v)) exportedClass = v;
    else if (v.type === 'Identifier') {
      const cls = classes.find((c) => c.id?.name === v.name);
      if (cls) exportedClass = cls;
    }
  };

  for (const stmt of program.body) {
    if (stmt.type === 'ClassDeclaration' && hasUpMethod(stmt)) classes.push(stmt);
  }

  for (const stmt of program.body) {
    switch (stmt.type) {
      case 'ExpressionStatement': {
        const e = unwrap(stmt.expression);
        if (e?.type !== 'AssignmentExpression' || e.operator !== '=') break;
        const left = e.left;
        if (left.type !== 'MemberExpression') break;
        const obj = left.object;
        const prop =
          left.property.type === 'Identifier' && !left.computed
            ? left.property.name
            : left.property.type === 'Literal'
              ? left.property.value
              : undefined;
        // module.exports = …
        if (obj.type === 'Identifier' && obj.name === 'module' && prop === 'exports') takeValue(e.right);
        // exports.up = … / module.exports.up = …
        else if (
          typeof prop === 'string' &&
          ((obj.type === 'Identifier' && obj.name === 'exports') ||
            (obj.type === 'MemberExpression' &&
              obj.object.type === 'Identifier' &&
              obj.object.name === 'module' &&
              obj.property.type === 'Identifier' &&
              obj.property.name === 'exports'))
        ) {
          exports.set(prop, e.right);
        }
        break;
      }
      case 'ExportNamedDeclaration': {
        const d = stmt.declaration;
        if (d?.type === 'FunctionDeclaration' && d.id) exports.set(d.id.name, d);
        else if (d?.type === 'VariableDeclaration') {
          for (const decl of d.declarations)
            if (decl.id.type === 'Identifier' && decl.init) exports.set(decl.id.name, decl.init);
        } else if (d?.type === 'ClassDeclaration' && hasUpMethod(d)) exportedClass = d;
        for (const s of stmt.specifiers) {
          const local = specifierName(s.local);
          const exported = specifierName(s.exported);
          if (!local || !exported) continue;
          const fn = scope.localFunction(local);
          const init = fn ?? scope.constInit(local) ?? classes.find((c) => c.id?.name === local);
          if (init) {
            if ((init.type === 'ClassDeclaration' || init.type === 'ClassExpression') && hasUpMethod(init))
              exportedClass = init;
            else exports.set(exported, init);
          }
        }
        break;
      }
      case 'ExportDefaultDeclaration':
        takeValue(stmt.declaration);
        if (stmt.declaration.type === 'ClassDeclaration' && hasUpMethod(stmt.declaration))
          exportedClass = stmt.declaration;
        break;
      default:
        break;
    }
  }

  const shape: MigrationShape = { exports, members: new Map() };
  const cls = exportedClass ?? (classes.length === 1 ? classes[0] : undefined);
  if (cls && !exports.has('up')) {
    shape.classNode = cls;
    shape.members = classMembers(cls);
    shape.up = asFunction(scope, shape.members.get('up'));
    const down = shape.members.get('down');
    if (down) {
      shape.down = asFunction(scope, down);
      shape.downNode = down;
    }
    return shape;
  }
  shape.up = asFunction(scope, exports.get('up'));
  if (!shape.up) {
    const units = migrationUnits(program, scope);
    if (units.length) shape.units = units;
  }
  const down = exports.get('down');
  if (down) {
    shape.downNode = down;
    const d = unwrap(down);
    if (d?.type === 'Literal' && d.value === false) shape.down = false;
    else shape.down = asFunction(scope, down);
  }
  return shape;
}

/** The statements of a function body (an expression-bodied arrow is one statement). */
export function bodyStatements(fn: FunctionNode): Node[] {
  if (fn.body.type === 'BlockStatement') return fn.body.body;
  return [fn.body];
}

/** `registry['001'] = { up, down }` / `registry.m001 = { … }` statements with an `up` function. */
function migrationUnits(program: TSESTree.Program, scope: Scope): NonNullable<MigrationShape['units']> {
  const units: NonNullable<MigrationShape['units']> = [];
  for (const stmt of program.body) {
    const e = stmt.type === 'ExpressionStatement' ? unwrap(stmt.expression) : undefined;
    if (e?.type !== 'AssignmentExpression' || e.operator !== '=' || e.left.type !== 'MemberExpression') continue;
    const key = e.left.computed
      ? scope.string(e.left.property)
      : e.left.property.type === 'Identifier'
        ? e.left.property.name
        : undefined;
    const obj = objectProperties(scope, e.right);
    const up = obj ? asFunction(scope, obj.props.get('up')) : undefined;
    if (key === undefined || !obj || !up) continue;
    const downNode = obj.props.get('down');
    const d = unwrap(downNode);
    const unit: NonNullable<MigrationShape['units']>[number] = { name: key, up, node: stmt };
    if (downNode) {
      unit.downNode = downNode;
      const fn = d?.type === 'Literal' && d.value === false ? false : asFunction(scope, downNode);
      if (fn !== undefined) unit.down = fn;
    }
    units.push(unit);
  }
  return units;
}
