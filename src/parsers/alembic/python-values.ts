/**
 * Static evaluation of the Python expressions Alembic revisions pass to `op.*`: literals, tuples and
 * lists, names bound to literals earlier, calls (kept as calls: `sa.Column(…)`, `sa.String(50)`),
 * and strings with a map from every character of their value back to the .py file, so SQL inside
 * a string (escapes, triple quotes, implicit concatenation, f-string fields) is located exactly.
 * Nothing is executed; what cannot be known statically stays an opaque `expr` or `ref`.
 */
import { children, dottedName, type SyntaxNode } from './python-tree.js';

export interface PyStr {
  kind: 'str';
  value: string;
  /** `offsets[i]` is the file offset of `value[i]`; `offsets[value.length]` is the end of the literal. */
  offsets: number[];
  node: SyntaxNode;
  /** f-string fields whose value is not known statically, replaced by `{expression}` in `value`. */
  placeholders: string[];
}

export type PyValue =
  | PyStr
  | { kind: 'number'; value: number; node: SyntaxNode }
  | { kind: 'bool'; value: boolean; node: SyntaxNode }
  | { kind: 'none'; node: SyntaxNode }
  | { kind: 'seq'; items: PyValue[]; node: SyntaxNode }
  | { kind: 'dict'; entries: { key: PyValue; value: PyValue }[]; node: SyntaxNode }
  | PyCall
  /** A name or dotted name with no statically known value: `sa.Integer`, a parameter, a loop variable. */
  | { kind: 'ref'; name: string; node: SyntaxNode }
  /** Any other expression (arithmetic, comprehensions, `%` formatting…). */
  | { kind: 'expr'; node: SyntaxNode };

export interface PyCall {
  kind: 'call';
  /** Dotted name of the called function (`sa.Column`), when it is a plain name. */
  callee?: string;
  /** For a method called on an expression (`sa.text("…").bindparams()`): that expression and the method. */
  receiver?: PyValue;
  method?: string;
  args: PyValue[];
  kwargs: Map<string, PyValue>;
  /** `*args` or `**kwargs` were passed: the argument list is not fully known. */
  splat: boolean;
  node: SyntaxNode;
}

/** Names bound to values in the code seen so far (module constants, earlier assignments in a function). */
export type Scope = Map<string, PyValue>;

/** The last component of a dotted name: `sa.types.String` → `String`. */
export function lastName(name: string | undefined): string {
  if (!name) return '';
  const i = name.lastIndexOf('.');
  return i === -1 ? name : name.slice(i + 1);
}

export function isStr(v: PyValue | undefined): v is PyStr {
  return v?.kind === 'str';
}

/** A string value without unknown f-string fields. */
export function exactStr(v: PyValue | undefined): string | undefined {
  return v?.kind === 'str' && v.placeholders.length === 0 ? v.value : undefined;
}

export function strList(v: PyValue | undefined): string[] | undefined {
  if (!v) return undefined;
  const single = exactStr(v);
  if (single !== undefined) return [single];
  if (v.kind !== 'seq') return undefined;
  const out: string[] = [];
  for (const item of v.items) {
    const s = exactStr(item);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function makeStr(node: SyntaxNode): PyStr {
  return { kind: 'str', value: '', offsets: [], node, placeholders: [] };
}

function push(s: PyStr, text: string, offset: number): void {
  for (let i = 0; i < text.length; i++) {
    s.value += text[i]!;
    s.offsets.push(offset);
  }
}

/** Joins strings (`"a" "b"`, `"a" + "b"`) in one pass: linear in the total length, however many parts. */
function concat(parts: PyStr[], node: SyntaxNode): PyStr {
  const offsets: number[] = [];
  const placeholders: string[] = [];
  parts.forEach((part, i) => {
    // Every part's own end offset is dropped except the last one's, which ends the whole string.
    const keep = i === parts.length - 1 ? part.offsets.length : part.value.length;
    for (let k = 0; k < keep; k++) offsets.push(part.offsets[k]!);
    for (const p of part.placeholders) placeholders.push(p);
  });
  return { kind: 'str', value: parts.map((p) => p.value).join(''), offsets, node, placeholders };
}

/**
 * CPython refuses more than 200 nested brackets ("too many nested parentheses"), so Alembic cannot
 * load a revision nested deeper; reading stops there instead of exhausting the call stack.
 */
export const MAX_NESTING = 200;

/** An expression or block nested deeper than `MAX_NESTING`, at `node`. */
export class TooDeeplyNested extends Error {
  constructor(readonly node: SyntaxNode) {
    super(
      `nested more than ${MAX_NESTING} levels deep (Python itself stops at ${MAX_NESTING}): too deeply nested to read`,
    );
  }
}

let nesting = 0;

/** Runs `read` one nesting level deeper, throwing `TooDeeplyNested` past the limit. Every recursive reader goes through here. */
export function nested<T>(node: SyntaxNode, read: () => T): T {
  if (nesting >= MAX_NESTING) throw new TooDeeplyNested(node);
  nesting++;
  try {
    return read();
  } finally {
    nesting--;
  }
}

/** The operands of a chain `a + b + c` (parsed left-deep), found with a loop: chains can be thousands long. */
function plusOperands(node: SyntaxNode): SyntaxNode[] | undefined {
  const right: SyntaxNode[] = [];
  let current = node;
  while (current.type === 'binary_operator' && current.childForFieldName('operator')?.text === '+') {
    const l = current.childForFieldName('left');
    const r = current.childForFieldName('right');
    if (!l || !r) return undefined;
    right.push(r);
    current = l;
  }
  return right.length ? [current, ...right.reverse()] : undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decodes the body of a (non-raw) Python string literal, mapping each produced character to its escape. */
function decodeEscapes(out: PyStr, text: string, base: number, bytes: boolean): void {
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '\\' || i + 1 >= text.length) {
      push(out, ch, base + i);
      i++;
      continue;
    }
    const next = text[i + 1]!;
    const at = base + i;
    if (next === '\n') {
      i += 2; // line continuation inside the literal
    } else if (next === '\r') {
      i += text[i + 2] === '\n' ? 3 : 2;
    } else if (SIMPLE_ESCAPES[next] !== undefined) {
      push(out, SIMPLE_ESCAPES[next], at);
      i += 2;
    } else if (/[0-7]/.test(next)) {
      const m = /^[0-7]{1,3}/.exec(text.slice(i + 1))![0];
      push(out, String.fromCodePoint(parseInt(m, 8)), at);
      i += 1 + m.length;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}/.test(text.slice(i + 2))) {
      push(out, String.fromCodePoint(parseInt(text.slice(i + 2, i + 4), 16)), at);
      i += 4;
    } else if (!bytes && next === 'u' && /^[0-9a-fA-F]{4}/.test(text.slice(i + 2))) {
      push(out, String.fromCodePoint(parseInt(text.slice(i + 2, i + 6), 16)), at);
      i += 6;
    } else if (!bytes && next === 'U' && /^[0-9a-fA-F]{8}/.test(text.slice(i + 2))) {
      const cp = parseInt(text.slice(i + 2, i + 10), 16);
      const decoded = cp <= 0x10ffff ? String.fromCodePoint(cp) : '?';
      push(out, decoded, at);
      i += 10;
    } else if (!bytes && next === 'N' && text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      // Unicode character names are not resolved: one stand-in character keeps the length right.
      push(out, '?', at);
      i = close === -1 ? text.length : close + 1;
    } else {
      push(out, '\\', at); // unknown escapes keep their backslash
      i++;
    }
  }
}

function stringLiteral(node: SyntaxNode, scope: Scope): PyStr {
  const out = makeStr(node);
  const start = node.children.find((c) => c?.type === 'string_start');
  const prefix = (start?.text ?? '').replace(/['"]+$/, '').toLowerCase();
  const raw = prefix.includes('r');
  const bytes = prefix.includes('b');
  const fstring = prefix.includes('f');
  for (const part of node.children) {
    if (!part) continue;
    if (part.type === 'string_content') {
      // In f-strings `{{`/`}}` stand for one brace; tree-sitter marks them as escape_interpolation.
      const text = part.text;
      const pieces: { text: string; base: number; brace: boolean }[] = [];
      let cursor = 0;
      if (fstring) {
        for (const esc of part.children) {
          if (esc?.type !== 'escape_interpolation') continue;
          const rel = esc.startIndex - part.startIndex;
          pieces.push({ text: text.slice(cursor, rel), base: part.startIndex + cursor, brace: false });
          pieces.push({ text: text[rel]!, base: esc.startIndex, brace: true });
          cursor = rel + 2;
        }
      }
      pieces.push({ text: text.slice(cursor), base: part.startIndex + cursor, brace: false });
      for (const p of pieces) {
        if (p.brace || raw) push(out, p.text, p.base);
        else decodeEscapes(out, p.text, p.base, bytes);
      }
    } else if (part.type === 'interpolation') {
      const expr = part.childForFieldName('expression');
      const v = expr ? evaluate(expr, scope) : undefined;
      const known =
        v?.kind === 'str' && v.placeholders.length === 0 ? v.value : v?.kind === 'number' ? String(v.value) : undefined;
      if (
        known !== undefined &&
        !part.childForFieldName('format_specifier') &&
        !part.childForFieldName('type_conversion')
      ) {
        push(out, known, part.startIndex);
      } else {
        // An unknown field becomes a quoted identifier: SQL around it still parses, names read `{expr}`.
        push(out, `"${part.text.replace(/"/g, '""')}"`, part.startIndex);
        out.placeholders.push(part.text);
      }
    }
  }
  const end = node.children.find((c) => c?.type === 'string_end');
  out.offsets.push(end ? end.startIndex : node.endIndex);
  return out;
}

/**
 * `template.format(…)` (Python's str.format): replacement fields take the argument's value when it is a
 * known string or number; any other field is handled like an unknown f-string field (a quoted
 * identifier standing for it, its text in `placeholders`). `{{`/`}}` are single braces.
 */
function formatted(template: PyStr, args: PyValue[], kwargs: Map<string, PyValue>, node: SyntaxNode): PyStr {
  const out = makeStr(node);
  out.placeholders.push(...template.placeholders);
  const text = template.value;
  let auto = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if ((ch === '{' || ch === '}') && text[i + 1] === ch) {
      push(out, ch, template.offsets[i]!);
      i += 2;
      continue;
    }
    if (ch !== '{') {
      push(out, ch, template.offsets[i]!);
      i++;
      continue;
    }
    const close = text.indexOf('}', i);
    if (close === -1) {
      push(out, text.slice(i), template.offsets[i]!);
      break;
    }
    const field = text.slice(i + 1, close);
    // `{}` / `{0}` / `{name}`; an attribute, index, conversion or format spec is not evaluated.
    const plain = /^(\d*|[A-Za-z_]\w*)$/.test(field);
    const arg = !plain
      ? undefined
      : field === ''
        ? args[auto++]
        : /^\d+$/.test(field)
          ? args[Number(field)]
          : kwargs.get(field);
    const known =
      arg?.kind === 'str' && arg.placeholders.length === 0
        ? arg.value
        : arg?.kind === 'number'
          ? String(arg.value)
          : undefined;
    if (known !== undefined) push(out, known, template.offsets[i]!);
    else {
      // Named after the argument's code, without quotes so that it cannot end an SQL literal around it.
      const name = `{${(arg ? arg.node.text : field).replace(/['"\\\s]+/g, '')}}`;
      push(out, `"${name}"`, template.offsets[i]!);
      out.placeholders.push(name);
    }
    i = close + 1;
  }
  out.offsets.push(template.offsets[text.length] ?? node.endIndex);
  return out;
}

/** Binds call arguments: positional values, keyword values, and whether `*`/`**` made them unknowable. */
function callArgs(
  list: SyntaxNode | null,
  scope: Scope,
): { args: PyValue[]; kwargs: Map<string, PyValue>; splat: boolean } {
  const args: PyValue[] = [];
  const kwargs = new Map<string, PyValue>();
  let splat = false;
  if (!list) return { args, kwargs, splat };
  if (list.type === 'generator_expression') return { args: [{ kind: 'expr', node: list }], kwargs, splat };
  for (const a of children(list)) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) kwargs.set(name, evaluate(value, scope));
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      splat = true;
    } else {
      args.push(evaluate(a, scope));
    }
  }
  return { args, kwargs, splat };
}

const NAME_WRAPPERS = new Set(['f', 'conv']);
/** Calls that do not change what SQL a string holds (whitespace only): `textwrap.dedent(s)`, `s.strip()`. */
const WHITESPACE_FUNCTIONS = new Set(['dedent', 'textwrap.dedent', 'inspect.cleandoc', 'cleandoc']);
const WHITESPACE_METHODS = new Set(['strip', 'lstrip', 'rstrip']);

export function evaluate(node: SyntaxNode, scope: Scope): PyValue {
  return nested(node, () => evaluateNode(node, scope));
}

function evaluateNode(node: SyntaxNode, scope: Scope): PyValue {
  switch (node.type) {
    case 'string':
      return stringLiteral(node, scope);
    case 'concatenated_string':
      return concat(
        children(node).map((c) => stringLiteral(c, scope)),
        node,
      );
    case 'integer':
    case 'float': {
      const n = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(n) ? { kind: 'number', value: n, node } : { kind: 'expr', node };
    }
    case 'unary_operator': {
      const arg = node.childForFieldName('argument');
      const v = arg ? evaluate(arg, scope) : undefined;
      const op = node.childForFieldName('operator')?.text;
      if (v?.kind === 'number' && (op === '-' || op === '+'))
        return { kind: 'number', value: op === '-' ? -v.value : v.value, node };
      return { kind: 'expr', node };
    }
    case 'true':
      return { kind: 'bool', value: true, node };
    case 'false':
      return { kind: 'bool', value: false, node };
    case 'none':
      return { kind: 'none', node };
    case 'parenthesized_expression': {
      const inner = children(node)[0];
      return inner ? evaluate(inner, scope) : { kind: 'expr', node };
    }
    case 'tuple':
    case 'list':
    case 'expression_list': // `down_revision = "a", "b"`: a tuple without parentheses
      return { kind: 'seq', items: children(node).map((c) => evaluate(c, scope)), node };
    case 'dictionary': {
      const entries: { key: PyValue; value: PyValue }[] = [];
      for (const pair of children(node)) {
        const k = pair.childForFieldName('key');
        const v = pair.childForFieldName('value');
        if (pair.type !== 'pair' || !k || !v) return { kind: 'expr', node };
        entries.push({ key: evaluate(k, scope), value: evaluate(v, scope) });
      }
      return { kind: 'dict', entries, node };
    }
    case 'binary_operator': {
      const operands = plusOperands(node);
      if (!operands) return { kind: 'expr', node };
      const values = operands.map((o) => evaluate(o, scope));
      return values.every(isStr) ? concat(values, node) : { kind: 'expr', node };
    }
    case 'identifier': {
      const bound = scope.get(node.text);
      // A name bound to a reference (an imported project type) is read where it is used.
      if (bound?.kind === 'ref') return { ...bound, node };
      return bound ?? { kind: 'ref', name: node.text, node };
    }
    case 'attribute': {
      const name = dottedName(node);
      return name ? { kind: 'ref', name, node } : { kind: 'expr', node };
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const { args, kwargs, splat } = callArgs(node.childForFieldName('arguments'), scope);
      // `accounts.update()` / `status.create(bind)`: a method on a value bound earlier in the code.
      const object = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
      const bound = object?.type === 'identifier' ? scope.get(object.text) : undefined;
      // A name imported from a project module (`from app.types import JSON`) is called under its full path.
      const imported = fn?.type === 'identifier' ? scope.get(fn.text) : undefined;
      const callee =
        bound && bound.kind !== 'ref' ? undefined : imported?.kind === 'ref' ? imported.name : dottedName(fn);
      if (callee !== undefined) {
        // op.f("name"), batch_op.f("name"), conv("name"): a constraint/index name used as given.
        if (NAME_WRAPPERS.has(lastName(callee)) && args.length === 1 && args[0]!.kind === 'str') return args[0]!;
        if (WHITESPACE_FUNCTIONS.has(callee) && args.length === 1 && args[0]!.kind === 'str') return args[0]!;
        const call: PyCall = { kind: 'call', callee, args, kwargs, splat, node };
        // `"…".strip()` parses as a call on an attribute of a string: handled below.
        return call;
      }
      if (fn?.type === 'attribute') {
        const method = fn.childForFieldName('attribute')?.text;
        const receiver = object ? evaluate(object, scope) : undefined;
        if (receiver?.kind === 'str' && method && WHITESPACE_METHODS.has(method) && args.length === 0) return receiver;
        // `"UPDATE t SET a = '{}' WHERE id = '{}'".format(x, y)`: the statement is the template's.
        if (receiver?.kind === 'str' && method === 'format' && !splat) return formatted(receiver, args, kwargs, node);
        const call: PyCall = { kind: 'call', args, kwargs, splat, node };
        if (receiver) call.receiver = receiver;
        if (method) call.method = method;
        return call;
      }
      return { kind: 'expr', node };
    }
    default:
      return { kind: 'expr', node };
  }
}

/**
 * Records the assignment `name = value` (or `name: T = value`) in a scope. Other targets
 * (tuples, attributes, subscripts) make the names they bind unknown.
 */
export function assign(statement: SyntaxNode, scope: Scope): void {
  const left = statement.childForFieldName('left');
  const right = statement.childForFieldName('right');
  if (!left) return;
  if (left.type === 'identifier') {
    if (right) scope.set(left.text, evaluate(right, scope));
    else scope.delete(left.text);
    return;
  }
  unbindTargets(left, scope);
}

/** Forgets every name a target binds (loop variables, tuple unpacking, `with … as x`). */
export function unbindTargets(target: SyntaxNode, scope: Scope): void {
  if (target.type === 'identifier') {
    scope.set(target.text, { kind: 'ref', name: target.text, node: target });
    return;
  }
  nested(target, () => {
    for (const c of children(target)) unbindTargets(c, scope);
  });
}

/** The source text of a value, for messages. */
export function sourceText(v: PyValue, max = 80): string {
  const text = v.node.text.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
