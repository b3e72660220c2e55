/**
 * Collects the IR operations a framework migration produces, with spans in the .ts/.js file, one
 * statement index per SQL statement the tool would send, and per-op transaction overrides for
 * calls that run inside a transaction the migration opens itself (Sequelize `{ transaction: t }`,
 * `knex.transaction(…)`).
 */
import type {
  DefaultValue,
  Direction,
  FileDiagnostic,
  Operation,
  SourceSpan,
  TransactionMode,
} from '../../ir/types.js';
import { LineIndex } from '../../ir/source-text.js';
import { assignTransactions } from '../../ir/transactions.js';
import { parseSql } from '../sql/parse-sql.js';
import type { OpDraft } from '../sql/translate.js';
import type { Node } from './ast.js';
import { type EmbeddedSql, embeddedSql, PLACEHOLDER_MARK, type PlaceholderStyle } from './embedded-sql.js';
import type { Scope } from './scope.js';

export interface EmitOptions {
  /** Share the statement index of an earlier op (several actions of one ALTER TABLE). */
  statement?: number;
  /** Force the transaction state (the op runs in a transaction the migration opened itself, or outside one). */
  inTransaction?: boolean;
  /** The whole call when the op is positioned at one part of it (one column of `addColumns`). */
  within?: Node;
}

export interface SqlOptions extends EmitOptions {
  style?: PlaceholderStyle;
  /** The call, for messages about SQL that cannot be read. */
  what: string;
  /** Rewrites the text before parsing (Knex `?`/`??` bindings). */
  transform?: (sql: EmbeddedSql) => EmbeddedSql;
}

export class OpCollector {
  readonly ops: Operation[] = [];
  readonly diagnostics: FileDiagnostic[] = [];
  direction: Direction = 'upgrade';
  readonly index: LineIndex;
  private nextStatement = 0;
  private readonly forcedTransaction = new Map<Operation, boolean>();
  /**
   * Conditions the code being read runs under that cannot be decided statically (an `if` on
   * anything but the target database), innermost last: ops emitted meanwhile are marked conditional.
   */
  readonly conditions: string[] = [];
  /**
   * Where each undecided condition held in the file: ops emitted later from code inside it (Knex
   * sends a table callback's statements after reading the whole callback) are marked too.
   */
  private readonly conditionalRanges: { range: [number, number]; reason: string }[] = [];
  /** Set when a branch was left out because it runs only on databases other than the target. */
  otherDatabaseCode = false;

  constructor(
    readonly file: string,
    readonly source: string,
    readonly scope: Scope,
  ) {
    this.index = new LineIndex(source);
  }

  span(node: Node | [number, number]): SourceSpan {
    const [start, end] = Array.isArray(node) ? node : node.range;
    return this.index.span(this.file, start, end);
  }

  /**
   * Positions a column or constraint at the code that defines it (a builder call, a column object), so
   * findings about one column of a createTable land on that column's line. Keeps a span already set.
   */
  placed<T extends { span?: SourceSpan }>(def: T, at: Node | [number, number]): T {
    def.span ??= this.span(at);
    return def;
  }

  newStatement(): number {
    return this.nextStatement++;
  }

  emit(draft: OpDraft, at: Node | [number, number], options: EmitOptions = {}): Operation {
    const op = {
      ...draft,
      span: this.span(at),
      direction: this.direction,
      inTransaction: false,
      statementIndex: options.statement ?? this.newStatement(),
    } as Operation;
    this.markConditional(op, Array.isArray(at) ? at : at.range);
    if (options.within && options.within !== at) op.statementSpan = this.span(options.within);
    this.ops.push(op);
    if (options.inTransaction !== undefined) this.forcedTransaction.set(op, options.inTransaction);
    return op;
  }

  unknown(at: Node | [number, number], call: string, reason: string, options: EmitOptions = {}): Operation {
    return this.emit({ kind: 'unknown', call, reason }, at, options);
  }

  /**
   * SQL written in the file (a string, template literal or concatenation) → ops positioned inside
   * the string. Returns false when the expression is not readable text; the caller reports it.
   */
  sql(node: Node | undefined, options: SqlOptions): boolean {
    const style = options.style ?? 'identifier';
    const read = (st: PlaceholderStyle) => {
      const e = embeddedSql(node, this.scope, this.source, st);
      return e && options.transform ? options.transform(e) : e;
    };
    const embedded = read(style);
    if (!embedded) return false;
    this.sqlText(embedded, options, () => read(style === 'identifier' ? 'parameter' : 'identifier'));
    return true;
  }

  /** Parses SQL already read from the file; `alternative` re-reads it with the other placeholder style. */
  sqlText(first: EmbeddedSql, options: SqlOptions, alternative?: () => EmbeddedSql | undefined): void {
    let embedded = first;
    const parse = (e: EmbeddedSql) =>
      parseSql(e.text, {
        file: this.file,
        direction: this.direction,
        locate: (o) => this.index.position(e.offsets[Math.max(0, Math.min(o, e.offsets.length - 1))]!),
      });
    let result = parse(embedded);
    if (result.diagnostics.length && embedded.placeholders > 0 && alternative) {
      // A `${}` part in a position an identifier cannot take: try bind-parameter placeholders.
      const other = alternative();
      const retry = other ? parse(other) : undefined;
      if (other && retry && retry.diagnostics.length < result.diagnostics.length) {
        result = retry;
        embedded = other;
      }
    }
    const base = this.nextStatement;
    // Drivers send a string with several statements as one simple query, which Postgres runs as one
    // implicit transaction: CONCURRENTLY fails there even when the tool opened no transaction.
    const statements = new Set(result.ops.filter((op) => op.kind !== 'transaction').map((op) => op.statementIndex))
      .size;
    const implicit = statements > 1 && options.inTransaction === undefined;
    for (const op of result.ops) {
      op.statementIndex += base;
      markDynamic(op);
      this.markConditional(op);
      this.ops.push(op);
      if (options.inTransaction !== undefined) this.forcedTransaction.set(op, options.inTransaction);
      else if (implicit && op.kind !== 'transaction') this.forcedTransaction.set(op, true);
    }
    this.nextStatement += Math.max(1, result.statements);
    for (const d of result.diagnostics) {
      if (embedded.placeholders > 0) {
        // The SQL is assembled at run time: its real text may well be valid, so this is "not
        // understood", not a syntax error in the file.
        const op: Operation = {
          kind: 'unknown',
          call: options.what,
          reason: `SQL built from \${} parts could not be read with placeholders (${d.message})`,
          span: d.span,
          direction: this.direction,
          inTransaction: false,
          statementIndex: this.newStatement(),
        };
        this.markConditional(op);
        this.ops.push(op);
      } else this.diagnostics.push(d);
    }
  }

  /** Runs `body` (the code of `where` in the file) with one more undecided condition in force. */
  underCondition(condition: string, body: () => void, where?: Node | null): void {
    if (where) this.conditionalRanges.push({ range: where.range, reason: condition });
    this.conditions.push(condition);
    try {
      body();
    } finally {
      this.conditions.pop();
    }
  }

  private markConditional(op: Operation, at?: [number, number]): void {
    const reasons = new Set(
      at ? this.conditionalRanges.filter((c) => c.range[0] <= at[0] && at[1] <= c.range[1]).map((c) => c.reason) : [],
    );
    for (const c of this.conditions) reasons.add(c);
    if (reasons.size) op.conditional = { reason: [...reasons].join(' and '), conditions: [...reasons] };
  }

  /** Fills `inTransaction` from each direction's mode, then applies the per-op overrides. */
  finish(modes: Record<Direction, TransactionMode>): void {
    for (const direction of ['upgrade', 'downgrade'] as Direction[]) {
      assignTransactions(
        this.ops.filter((op) => op.direction === direction),
        modes[direction],
      );
    }
    for (const [op, inTx] of this.forcedTransaction) op.inTransaction = inTx;
  }
}

/**
 * A default whose SQL came from a `${}` placeholder cannot be judged constant — unless the part sits
 * inside a quoted SQL literal (`DEFAULT '${locale}'`): a JavaScript value spliced into a string is
 * still a string constant.
 */
function markDynamic(op: Operation): void {
  const fix = (d: DefaultValue | undefined) => {
    if (d && d.text.replace(/'(?:[^']|'')*'/g, "''").includes(PLACEHOLDER_MARK)) {
      // SQL text the migration's code computes: what it calls is not in the file.
      d.volatility = 'unknown';
      d.computedIn = 'JavaScript';
    }
  };
  if (op.kind === 'add-column') fix(op.column.default);
  else if (op.kind === 'set-default') fix(op.default);
  else if (op.kind === 'create-table') for (const c of op.columns) fix(c.default);
}
