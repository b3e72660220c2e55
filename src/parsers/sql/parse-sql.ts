/**
 * SQL text → IR operations with positions, through libpg-query (the real Postgres parser, WASM).
 * Used for SQL files and for SQL embedded in TypeScript/JavaScript and Python migrations.
 */
import * as libpgQuery from 'libpg-query';
import type { Direction, FileDiagnostic, Operation, Position } from '../../ir/types.js';
import { LineIndex, byteToCharMapper, type Locator } from '../../ir/source-text.js';
import { splitStatements } from './split.js';
import { translateStatement } from './translate.js';
import { findLongIdentifiers } from './long-identifiers.js';
import { itemSpans } from './item-spans.js';
import type { Node } from './expr.js';

export type PgQuery = Pick<typeof libpgQuery, 'loadModule' | 'parseSync'>;
let pgQuery: PgQuery = libpgQuery;
/** Evaluates libpg-query's module again (a new instance); Node's is set by parsers/node-platform.ts, the browser has none. */
let reloadParser: (() => PgQuery) | undefined;
export function setSqlParserReloader(reload: () => PgQuery): void {
  reloadParser = reload;
}
let ready: Promise<void> | undefined;
/**
 * Parses that overflowed the call stack inside the WASM parser since its instance was created. Such
 * an overflow (a statement nested thousands deep) unwinds without freeing the parser's memory, so
 * after one the instance is replaced, and a file that keeps overflowing is not parsed further.
 */
let overflows = 0;
const MAX_OVERFLOWS = 8;

/** Loads the parser's WASM module; await it before each file's `parseSql`. */
export function initSqlParser(): Promise<void> {
  if (overflows > 0) {
    overflows = 0;
    ready = freshParser();
  }
  ready ??= pgQuery.loadModule();
  return ready;
}

async function freshParser(): Promise<void> {
  // libpg-query keeps one module-level instance: evaluating its module again creates a new one.
  const next = reloadParser ? reloadParser() : pgQuery;
  await next.loadModule();
  pgQuery = next;
}

export interface SqlParseOptions {
  file: string;
  direction: Direction;
  /** Maps a character offset in `text` to its position in the file (default: `text` is the whole file). */
  locate?: Locator;
  /** Revision to stamp on ops starting at a given offset (Alembic offline SQL). */
  revisionAt?: (offset: number) => string | undefined;
  /** The text was generated from a framework call, not written in the file: only the caller can position its parts. */
  generated?: boolean;
}

export interface SqlParseResult {
  ops: Operation[];
  diagnostics: FileDiagnostic[];
  /** Number of statements seen (parsed or not). */
  statements: number;
}

/**
 * Above this size a file is parsed in chunks of about `CHUNK_CHARS`, so the WASM heap and the JSON
 * tree of one parse stay small: each parsed character costs about 130 bytes at the peak (the
 * parser's nodes, their JSON text, the objects JSON.parse makes of it), and the WASM memory never
 * shrinks. With 1 MB chunks a 3.7 MB file of 100,000 `ALTER TABLE … ADD COLUMN` peaked at 290-350 MB
 * RSS; with 64 KB chunks, at 210-220 MB, no slower.
 */
const WHOLE_TEXT_CHARS = 1 << 18;
const CHUNK_CHARS = 1 << 16;

interface RawStatement {
  stmt: Node | undefined;
  /** Character offsets into the full text. */
  start: number;
  end: number;
  /** Parse-tree byte location of `start` (tree locations count bytes from the start of the parsed chunk). */
  startByte: number;
}

class ParseFailure {
  constructor(
    readonly message: string,
    /** Character offset into the full text. */
    readonly offset: number,
  ) {}
}

function parseRange(text: string, from: number, to: number): RawStatement[] | ParseFailure {
  const chunk = text.slice(from, to);
  const toChar = byteToCharMapper(chunk);
  if (overflows >= MAX_OVERFLOWS)
    return new ParseFailure('not parsed: earlier statements of this file were nested too deeply for the parser', from);
  try {
    const result = pgQuery.parseSync(chunk);
    return (result.stmts ?? []).map((s) => {
      const startByte = s.stmt_location ?? 0;
      const start = toChar(startByte);
      const end = s.stmt_len ? toChar(startByte + s.stmt_len) : chunk.length;
      return { stmt: s.stmt, start: from + start, end: from + end, startByte };
    });
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
    const pos = err.sqlDetails?.cursorPosition;
    let message = String(err.message ?? e);
    if (e instanceof RangeError) {
      overflows++;
      message = `statement nested too deeply for the parser (${message})`;
    } else if (/^memory exhausted\b/.test(message)) message = `statement nested too deeply: ${message}`;
    return new ParseFailure(message, from + (pos === undefined ? 0 : toChar(pos)));
  }
}

export function parseSql(text: string, options: SqlParseOptions): SqlParseResult {
  const { file, direction } = options;
  const index = options.locate ? undefined : new LineIndex(text);
  const locate: Locator = options.locate ?? ((o) => index!.position(o));
  const diagnostics: FileDiagnostic[] = [];
  const ops: Operation[] = [];
  let statementIndex = 0;

  // Translated as soon as each part is parsed, so the parse trees of a huge file are not all kept.
  const emit = (parsed: RawStatement[]) => {
    for (const raw of parsed) {
      let end = raw.end;
      while (end > raw.start && /\s/.test(text[end - 1]!)) end--;
      const a = locate(raw.start);
      const b = locate(end);
      const span = { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
      const revision = options.revisionAt?.(raw.start);
      // Names over 63 bytes, which the parser already truncated: kept on the statement's first op.
      const longIdentifiers = findLongIdentifiers(text, raw.start, end, locate, file);
      const spans = options.generated
        ? undefined
        : itemSpans({
            text: text.slice(raw.start, end),
            startByte: raw.startByte,
            span: (from, to) => {
              const p = locate(raw.start + from);
              const q = locate(raw.start + to);
              return { file, line: p.line, column: p.column, endLine: q.line, endColumn: q.column };
            },
          });
      for (const draft of translateStatement(raw.stmt, spans)) {
        // The draft is fresh from translateStatement: completed in place rather than copied.
        const ownSpan = draft.span;
        const op = draft as Operation;
        if (ownSpan) op.statementSpan = span;
        else op.span = span;
        op.direction = direction;
        op.inTransaction = false;
        op.statementIndex = statementIndex;
        if (revision !== undefined) op.revision = revision;
        if (longIdentifiers && ops.at(-1)?.statementIndex !== statementIndex) op.longIdentifiers = longIdentifiers;
        // The IR does not describe these statements; their text lets trace run them (SQL generated by a frontend too).
        if (op.kind === 'other' || op.kind === 'data-change') op.sql = text.slice(raw.start, end);
        ops.push(op);
      }
      statementIndex++;
    }
  };

  const failAt = (f: ParseFailure, sliceEnd: number) => {
    const a: Position = locate(f.offset);
    const b: Position = locate(Math.max(f.offset, sliceEnd));
    diagnostics.push({
      rule: 'parse-error',
      message: f.message,
      span: { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column },
      ...(direction === 'downgrade' ? { direction } : {}),
    });
  };

  // Whole text in one go when small (the common case; comment-only text parses to no statements);
  // on a syntax error, statement by statement so every other statement is still linted.
  const blank = text.trim() === '';
  const whole = text.length <= WHOLE_TEXT_CHARS && !blank ? parseRange(text, 0, text.length) : undefined;
  if (Array.isArray(whole)) emit(whole);
  else if (!blank) {
    const slices = splitStatements(text);
    let i = 0;
    while (i < slices.length) {
      // group slices into chunks of about CHUNK_CHARS
      let j = i;
      while (j + 1 < slices.length && slices[j + 1]!.end - slices[i]!.start <= CHUNK_CHARS) j++;
      const chunk = whole === undefined ? parseRange(text, slices[i]!.start, slices[j]!.end) : new ParseFailure('', 0);
      if (Array.isArray(chunk) && whole === undefined) emit(chunk);
      else {
        for (let k = i; k <= j; k++) {
          const one = parseRange(text, slices[k]!.start, slices[k]!.end);
          if (Array.isArray(one)) emit(one);
          else if (overflows >= MAX_OVERFLOWS) {
            failAt(
              new ParseFailure(
                'the rest of this file was not parsed: too many statements nested too deeply for the parser',
                one.offset,
              ),
              text.length,
            );
            j = slices.length;
            break;
          } else failAt(one, slices[k]!.end);
        }
      }
      i = j + 1;
    }
  }

  return { ops, diagnostics, statements: statementIndex + diagnostics.length };
}
