/**
 * SQL written inside TypeScript/JavaScript: string literals, template literals (with `${}` parts),
 * `+` concatenations and `const` bindings of those. Builds the SQL text the tool would send plus,
 * for every character of it, the offset in the file it came from — so a statement inside a string
 * is reported at its own line and column in the .ts file, escapes and all.
 *
 * A `${}` part whose value is a constant in the file is substituted; any other part becomes a
 * placeholder the Postgres parser accepts: inside an SQL string or quoted identifier its source
 * text, elsewhere a quoted identifier named after the expression (`"${tableName}"`) or, for tools
 * that send it as a bind parameter (Kysely's `sql` tag), `$n`.
 */
import type { Node } from './ast.js';
import { nodeText, unwrap } from './ast.js';
import { type Scope, UNKNOWN } from './scope.js';

export type PlaceholderStyle = 'identifier' | 'parameter';

export interface EmbeddedSql {
  text: string;
  /** File offset of each character of `text`; one extra entry for the end of the text. */
  offsets: number[];
  /** How many `${}` parts (or unresolved concatenated values) became placeholders. */
  placeholders: number;
  /** The node the SQL was read from (for spans when something goes wrong). */
  node: Node;
}

/** Marks placeholder identifiers so ops built from them can be recognised as dynamic. */
export const PLACEHOLDER_MARK = '${';

type LexState = 'code' | 'single' | 'double' | 'line-comment' | 'block-comment' | 'dollar';

class SqlBuilder {
  text = '';
  offsets: number[] = [];
  placeholders = 0;
  private state: LexState = 'code';
  private dollarTag = '';
  private scanned = 0;

  constructor(
    readonly source: string,
    private readonly style: PlaceholderStyle,
  ) {}

  /**
   * Set while a placeholder in code is glued to identifier characters (`${prefix}users`,
   * `IDX_${prefix}a1b2`): they are read into the same quoted identifier until a character that
   * cannot be part of a name.
   */
  private glued = false;

  push(ch: string, fileOffset: number): void {
    if (this.glued) {
      let inName = true;
      for (const c of ch) {
        if (inName && !/[A-Za-z0-9_$]/.test(c)) {
          this.closeGlue(fileOffset);
          inName = false;
        }
        this.text += c;
        this.offsets.push(fileOffset);
      }
      return;
    }
    this.text += ch;
    for (let i = 0; i < ch.length; i++) this.offsets.push(fileOffset);
  }

  private closeGlue(fileOffset: number): void {
    this.glued = false;
    this.text += '"';
    this.offsets.push(fileOffset);
    this.scanned = this.text.length;
  }

  /** Where the text so far leaves the SQL lexer: in code, a string, a quoted identifier, a comment. */
  private lexState(): LexState {
    const t = this.text;
    let i = this.scanned;
    while (i < t.length) {
      const c = t[i]!;
      switch (this.state) {
        case 'code':
          if (c === "'") this.state = 'single';
          else if (c === '"') this.state = 'double';
          else if (c === '-' && t[i + 1] === '-') {
            this.state = 'line-comment';
            i++;
          } else if (c === '/' && t[i + 1] === '*') {
            this.state = 'block-comment';
            i++;
          } else if (c === '$') {
            const m = /^\$([A-Za-z_][A-Za-z_0-9]*)?\$/.exec(t.slice(i, i + 64));
            if (m && !/[A-Za-z0-9_]/.test(t[i - 1] ?? ' ')) {
              this.state = 'dollar';
              this.dollarTag = m[0];
              i += m[0].length - 1;
            }
          }
          break;
        case 'single':
          if (c === "'") this.state = 'code';
          break;
        case 'double':
          if (c === '"') this.state = 'code';
          break;
        case 'line-comment':
          if (c === '\n') this.state = 'code';
          break;
        case 'block-comment':
          if (c === '*' && t[i + 1] === '/') {
            this.state = 'code';
            i++;
          }
          break;
        case 'dollar':
          if (c === '$' && t.startsWith(this.dollarTag, i)) {
            this.state = 'code';
            i += this.dollarTag.length - 1;
          }
          break;
      }
      i++;
    }
    this.scanned = t.length;
    return this.state;
  }

  /** A value the frontend cannot know: a placeholder chosen so the statement still parses. */
  placeholder(expr: Node): void {
    this.placeholders++;
    const label = `\${${nodeText(this.source, expr, 40)}}`;
    const at = expr.range[0];
    if (this.glued) return this.gluedIdentifier(label.replace(/"/g, ''), at);
    const state = this.lexState();
    let piece: string;
    switch (state) {
      case 'single':
        piece = label.replace(/'/g, '');
        break;
      case 'double':
        piece = label.replace(/"/g, '');
        break;
      case 'line-comment':
      case 'block-comment':
      case 'dollar':
        piece = label.replace(/[\n*/$]/g, '');
        break;
      default:
        if (this.style === 'identifier') {
          this.gluedIdentifier(label.replace(/"/g, ''), at);
          return;
        }
        piece = `$${this.placeholders}`;
    }
    // Every character of the placeholder maps to the start of the expression in the file. The
    // piece holds no character that could change the lexer state it was chosen for.
    this.push(piece, at);
  }

  /**
   * A placeholder standing for (part of) a name: a quoted identifier named after the expression,
   * taking in the identifier characters written right before and after it (`IDX_${prefix}a1b2` →
   * `"IDX_${prefix}a1b2"`), so a table or index name built from a prefix stays one name.
   */
  private gluedIdentifier(label: string, at: number): void {
    if (this.glued) {
      // Two placeholders in one name: the second joins the first.
      this.text += label;
      for (let i = 0; i < label.length; i++) this.offsets.push(at);
      return;
    }
    const before = /[A-Za-z_][A-Za-z0-9_$]*$/.exec(this.text)?.[0] ?? '';
    const start = this.text.length - before.length;
    const kept = this.offsets.slice(start);
    this.text = this.text.slice(0, start);
    this.offsets.length = start;
    this.text += '"';
    this.offsets.push(kept[0] ?? at);
    this.text += before;
    this.offsets.push(...kept);
    this.text += label;
    for (let i = 0; i < label.length; i++) this.offsets.push(at);
    this.glued = true;
  }

  result(node: Node, end: number): EmbeddedSql {
    if (this.glued) this.closeGlue(end);
    return { text: this.text, offsets: [...this.offsets, end], placeholders: this.placeholders, node };
  }
}

/** Decodes the JavaScript escapes of a string/template body, reporting each produced character with its source offset. */
function decodeEscapes(raw: string, base: number, out: SqlBuilder, template: boolean): void {
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c !== '\\') {
      // Template literals normalise CRLF to LF in their values.
      if (template && c === '\r') {
        out.push('\n', base + i);
        i += raw[i + 1] === '\n' ? 2 : 1;
        continue;
      }
      out.push(c, base + i);
      i++;
      continue;
    }
    const at = base + i;
    const n = raw[i + 1] ?? '';
    i += 2;
    switch (n) {
      case 'n':
        out.push('\n', at);
        break;
      case 't':
        out.push('\t', at);
        break;
      case 'r':
        out.push('\r', at);
        break;
      case 'b':
        out.push('\b', at);
        break;
      case 'f':
        out.push('\f', at);
        break;
      case 'v':
        out.push('\v', at);
        break;
      case '0':
        out.push('\0', at);
        break;
      case '\r':
        if (raw[i] === '\n') i++;
        break; // line continuation
      case '\n':
      case '\u2028':
      case '\u2029':
        break;
      case 'x': {
        const hex = raw.slice(i, i + 2);
        out.push(String.fromCharCode(parseInt(hex, 16) || 0), at);
        i += 2;
        break;
      }
      case 'u': {
        if (raw[i] === '{') {
          const close = raw.indexOf('}', i);
          const cp = parseInt(raw.slice(i + 1, close), 16) || 0;
          out.push(String.fromCodePoint(cp), at);
          i = close + 1;
        } else {
          out.push(String.fromCharCode(parseInt(raw.slice(i, i + 4), 16) || 0), at);
          i += 4;
        }
        break;
      }
      default:
        out.push(n, at);
    }
  }
}

function append(node: Node | undefined, scope: Scope, out: SqlBuilder, depth: number): boolean {
  const n = unwrap(node);
  if (!n || depth > 20) return false;
  switch (n.type) {
    case 'Literal':
      if (typeof n.value === 'string') {
        decodeEscapes(out.source.slice(n.range[0] + 1, n.range[1] - 1), n.range[0] + 1, out, false);
        return true;
      }
      if (typeof n.value === 'number' || typeof n.value === 'boolean') {
        out.push(String(n.value), n.range[0]);
        return true;
      }
      return false;
    case 'TemplateLiteral':
      n.quasis.forEach((q, i) => {
        const start = q.range[0] + 1;
        const end = q.range[1] - (q.tail ? 1 : 2);
        decodeEscapes(out.source.slice(start, end), start, out, true);
        if (i < n.expressions.length) interpolate(n.expressions[i]!, scope, out, depth);
      });
      return true;
    case 'TaggedTemplateExpression':
      return append(n.quasi, scope, out, depth + 1);
    case 'BinaryExpression':
      if (n.operator !== '+') return false;
      if (!isSqlish(n.left, scope) && !isSqlish(n.right, scope)) return false;
      for (const side of [n.left, n.right])
        if (!append(side, scope, out, depth + 1)) interpolate(side, scope, out, depth);
      return true;
    case 'Identifier': {
      const init = scope.constInit(n.name);
      return init ? append(init, scope, out, depth + 1) : false;
    }
    default:
      return false;
  }
}

/** Whether an expression is (built from) string text we can read. */
function isSqlish(node: Node | undefined, scope: Scope): boolean {
  const n = unwrap(node);
  if (!n) return false;
  if (n.type === 'Literal') return typeof n.value === 'string';
  if (n.type === 'TemplateLiteral') return true;
  if (n.type === 'BinaryExpression' && n.operator === '+') return isSqlish(n.left, scope) || isSqlish(n.right, scope);
  if (n.type === 'Identifier') {
    const init = scope.constInit(n.name);
    return init ? isSqlish(init, scope) : false;
  }
  return false;
}

function interpolate(expr: Node, scope: Scope, out: SqlBuilder, depth: number): void {
  const v = scope.value(expr);
  if (v !== UNKNOWN && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    const at = expr.range[0];
    out.push(String(v), at);
    return;
  }
  // Kysely's `sql.raw('…')`, `sql.lit(…)`, `sql.ref('a.b')`, `sql.table('t')`, `sql.id('x')` with constant arguments.
  const e = unwrap(expr);
  if (
    e?.type === 'CallExpression' &&
    e.callee.type === 'MemberExpression' &&
    !e.callee.computed &&
    e.callee.object.type === 'Identifier'
  ) {
    const fn = e.callee.property.name as string | undefined;
    const arg = scope.value(e.arguments[0]);
    if (typeof arg === 'string' || typeof arg === 'number') {
      const s = String(arg);
      if (fn === 'raw') return out.push(s, e.range[0]);
      if (fn === 'lit') return out.push(typeof arg === 'number' ? s : `'${s.replace(/'/g, "''")}'`, e.range[0]);
      if (fn === 'ref' || fn === 'table' || fn === 'id')
        return out.push(
          s
            .split('.')
            .map((p) => `"${p.replace(/"/g, '""')}"`)
            .join('.'),
          e.range[0],
        );
    }
  }
  if (depth < 20 && isSqlish(expr, scope)) {
    append(expr, scope, out, depth + 1);
    return;
  }
  out.placeholder(expr);
}

/**
 * Reads the SQL an expression evaluates to, or undefined when the expression is not string-like
 * (a variable from elsewhere, a function call): the caller reports that as not understood.
 */
export function embeddedSql(
  node: Node | undefined,
  scope: Scope,
  source: string,
  style: PlaceholderStyle = 'identifier',
): EmbeddedSql | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  const out = new SqlBuilder(source, style);
  // Resolve `const q = \`…\`` so positions point at the template where it is written, and
  // `isPostgres ? \`…\` : \`…\`` to the branch the target database takes.
  let target = n.type === 'Identifier' || n.type === 'ConditionalExpression' ? scope.resolve(n) : n;
  const call = target ? sqlFunctionCall(target, scope) : undefined;
  if (call) target = call.body;
  const restore = call?.params.map(([name, argument]) => scope.bind(name, argument)) ?? [];
  try {
    if (!target || !append(target, scope, out, 0)) return undefined;
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return out.result(target, target.range[1] - (target.type === 'Literal' || target.type === 'TemplateLiteral' ? 1 : 0));
}

/**
 * `updateSql('Orders')` where the file declares `const updateSql = (table) => \`UPDATE "${table}" …\``
 * (or a function that only returns such text): the function's text, its parameters bound to the
 * arguments of this call. Only a body that is one expression is read — no statements run.
 */
function sqlFunctionCall(node: Node, scope: Scope): { body: Node; params: [string, Node | null][] } | undefined {
  if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier') return undefined;
  const fn = scope.localFunction(node.callee.name);
  if (!fn || fn.async || fn.generator) return undefined;
  let body: Node | null | undefined = fn.body;
  if (body.type === 'BlockStatement') {
    const only = body.body.length === 1 ? body.body[0] : undefined;
    body = only?.type === 'ReturnStatement' ? only.argument : undefined;
  }
  const text = unwrap(body);
  if (!text || (text.type !== 'TemplateLiteral' && text.type !== 'BinaryExpression' && text.type !== 'Literal'))
    return undefined;
  const params: [string, Node | null][] = [];
  for (const [i, p] of fn.params.entries()) {
    const argument = node.arguments[i];
    if (p.type !== 'Identifier' || argument?.type === 'SpreadElement') return undefined;
    // Resolved here, in the caller's bindings: `sqlFor(table)` inside a loop over `table` keeps its element.
    params.push([p.name, scope.resolve(argument) ?? null]);
  }
  return { body: text, params };
}

/**
 * Rewrites a driver's own placeholders into bind parameters (`$1`, `$2`…) the Postgres parser
 * accepts wherever a value may stand: Sequelize `replacements` (`:name` with an object, `?` with an
 * array) and named `bind` parameters (`$name`). Text inside strings, quoted identifiers and comments
 * is left alone, as is a `::type` cast. Each rewritten placeholder counts as a `${}` part, so SQL that
 * still does not parse is "not understood", not a syntax error.
 */
export function bindPlaceholders(e: EmbeddedSql, kinds: { named?: ':' | '$'; positional?: boolean }): EmbeddedSql {
  let text = '';
  const offsets: number[] = [];
  let placeholders = e.placeholders;
  const numbers = new Map<string, number>();
  const put = (s: string, at: number) => {
    text += s;
    for (let k = 0; k < s.length; k++) offsets.push(at);
  };
  const param = (key: string, at: number) => {
    let n = numbers.get(key);
    if (n === undefined) numbers.set(key, (n = numbers.size + 1));
    placeholders++;
    put(`$${n}`, at);
  };
  const t = e.text;
  let positional = 0;
  let i = 0;
  while (i < t.length) {
    const c = t[i]!;
    const at = e.offsets[i]!;
    const quoteEnd =
      c === "'" || c === '"'
        ? t.indexOf(c, i + 1)
        : c === '-' && t[i + 1] === '-'
          ? t.indexOf('\n', i)
          : c === '/' && t[i + 1] === '*'
            ? t.indexOf('*/', i + 2) + 1
            : -2;
    if (quoteEnd !== -2) {
      // A string, quoted identifier or comment: copied as it is (to the end when unterminated).
      const end = quoteEnd < 0 ? t.length : quoteEnd + 1;
      for (let k = i; k < end; k++) put(t[k]!, e.offsets[k]!);
      i = end;
      continue;
    }
    if (c === ':' && t[i + 1] === ':') {
      put('::', at);
      i += 2;
      continue;
    }
    const named = kinds.named && c === kinds.named ? /^[A-Za-z_][\w]*/.exec(t.slice(i + 1, i + 64)) : null;
    if (named && !/[\w$]/.test(t[i - 1] ?? ' ')) {
      param(named[0], at);
      i += 1 + named[0].length;
      continue;
    }
    if (kinds.positional && c === '?') {
      param(`?${positional++}`, at);
      i++;
      continue;
    }
    put(c, at);
    i++;
  }
  offsets.push(e.offsets[t.length]!);
  return { text, offsets, placeholders, node: e.node };
}
