/**
 * Postgres identifiers as SQL text: the one place that decides when a name needs double quotes.
 * The keyword lists are data (Postgres 17's src/include/parser/kwlist.h, the grammar libpg-query
 * is built from), so quoting does not depend on the SQL parser being loaded; a test checks each
 * list against libpg-query's scanner.
 */
import type { QualifiedName } from './types.js';

/** Postgres's identifier length limit (NAMEDATALEN − 1), shared by the SQL frontend and the rules. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * The length of `text` in UTF-8 bytes, as Buffer.byteLength counts it (a lone surrogate as the 3 bytes
 * of U+FFFD) — without Buffer, which the browser playground does not have.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The first 63 bytes of `name`, cut at a character boundary (as Postgres's truncate_identifier does). */
export function truncateIdentifier(name: string): string {
  let bytes = 0;
  let out = '';
  for (const ch of name) {
    const size = utf8ByteLength(ch);
    if (bytes + size > MAX_IDENTIFIER_BYTES) break;
    bytes += size;
    out += ch;
  }
  return out;
}

/** COL_NAME_KEYWORD: a column name, never a function or type name. */
const COL_NAME_KEYWORDS = [
  'between',
  'bigint',
  'bit',
  'boolean',
  'char',
  'character',
  'coalesce',
  'dec',
  'decimal',
  'exists',
  'extract',
  'float',
  'greatest',
  'grouping',
  'inout',
  'int',
  'integer',
  'interval',
  'json',
  'json_array',
  'json_arrayagg',
  'json_exists',
  'json_object',
  'json_objectagg',
  'json_query',
  'json_scalar',
  'json_serialize',
  'json_table',
  'json_value',
  'least',
  'merge_action',
  'national',
  'nchar',
  'none',
  'normalize',
  'nullif',
  'numeric',
  'out',
  'overlay',
  'position',
  'precision',
  'real',
  'row',
  'setof',
  'smallint',
  'substring',
  'time',
  'timestamp',
  'treat',
  'trim',
  'values',
  'varchar',
  'xmlattributes',
  'xmlconcat',
  'xmlelement',
  'xmlexists',
  'xmlforest',
  'xmlnamespaces',
  'xmlparse',
  'xmlpi',
  'xmlroot',
  'xmlserialize',
  'xmltable',
];

/** TYPE_FUNC_NAME_KEYWORD: a function or type name, never a column name. */
const TYPE_FUNC_NAME_KEYWORDS = [
  'authorization',
  'binary',
  'collation',
  'concurrently',
  'cross',
  'current_schema',
  'freeze',
  'full',
  'ilike',
  'inner',
  'is',
  'isnull',
  'join',
  'left',
  'like',
  'natural',
  'notnull',
  'outer',
  'overlaps',
  'right',
  'similar',
  'tablesample',
  'verbose',
];

/** RESERVED_KEYWORD: never a bare identifier. */
const RESERVED_KEYWORDS = [
  'all',
  'analyse',
  'analyze',
  'and',
  'any',
  'array',
  'as',
  'asc',
  'asymmetric',
  'both',
  'case',
  'cast',
  'check',
  'collate',
  'column',
  'constraint',
  'create',
  'current_catalog',
  'current_date',
  'current_role',
  'current_time',
  'current_timestamp',
  'current_user',
  'default',
  'deferrable',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'false',
  'fetch',
  'for',
  'foreign',
  'from',
  'grant',
  'group',
  'having',
  'in',
  'initially',
  'intersect',
  'into',
  'lateral',
  'leading',
  'limit',
  'localtime',
  'localtimestamp',
  'not',
  'null',
  'offset',
  'on',
  'only',
  'or',
  'order',
  'placing',
  'primary',
  'references',
  'returning',
  'select',
  'session_user',
  'some',
  'symmetric',
  'system_user',
  'table',
  'then',
  'to',
  'trailing',
  'true',
  'union',
  'unique',
  'user',
  'using',
  'variadic',
  'when',
  'where',
  'window',
  'with',
];

/** Keyword categories by name, as the scanner reports them (`keywordKind`: 2, 3, 4). */
export const KEYWORD_CATEGORIES = {
  colName: COL_NAME_KEYWORDS,
  typeFuncName: TYPE_FUNC_NAME_KEYWORDS,
  reserved: RESERVED_KEYWORDS,
} as const;

/** Every keyword that is not UNRESERVED: Postgres's quote_ident quotes these. */
const QUOTED_KEYWORDS = new Set<string>([...COL_NAME_KEYWORDS, ...TYPE_FUNC_NAME_KEYWORDS, ...RESERVED_KEYWORDS]);

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_$]*$/;

/**
 * An identifier as SQL, quoted the way Postgres's quote_ident quotes it: bare when it reads back
 * unchanged (lower case, not a keyword other than an unreserved one), else double-quoted.
 */
export function quoteIdent(name: string): string {
  if (PLAIN_IDENTIFIER.test(name) && !QUOTED_KEYWORDS.has(name)) return name;
  return doubleQuote(name);
}

/** An identifier always double-quoted (exact whatever its case), as SQLAlchemy's compiler writes names it must keep. */
export function doubleQuote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A table (or index, type…) name as SQL: `billing.invoices`, `"user"`. */
export function qualified(name: QualifiedName): string {
  return name.schema ? `${quoteIdent(name.schema)}.${quoteIdent(name.name)}` : quoteIdent(name.name);
}

/** The same with every part double-quoted, as SQLAlchemy writes names: `"billing"."invoices"`. */
export function doubleQuoteQualified(name: QualifiedName): string {
  return name.schema ? `${doubleQuote(name.schema)}.${doubleQuote(name.name)}` : doubleQuote(name.name);
}

/** A string literal as SQL. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `text` with every regular-expression metacharacter escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A SQL expression's text names the column, as a bare or double-quoted identifier (`a` is not found in `ab`). */
export function mentionsColumn(expression: string, column: string): boolean {
  return new RegExp(`(^|[^\\w$"])"?${escapeRegExp(column)}"?($|[^\\w$"])`).test(expression);
}
