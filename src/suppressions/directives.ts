/**
 * Suppression comments, found in a migration's source text by the comment syntax of its file type.
 *
 *   SQL         -- migration-lint-disable-next-line <rule>[, <rule>] -- <reason>
 *               -- migration-lint-disable-file <rule>[, <rule>] -- <reason>
 *   TS/JS       // migration-lint-disable-next-line <rule> -- <reason>     (also in /* *\/ comments)
 *               // migration-lint-disable-file <rule> -- <reason>
 *   Python      # migration-lint: disable=<rule>[,<rule>] -- <reason>
 *               # migration-lint: disable-file=<rule> -- <reason>
 *   Squawk      -- squawk-ignore <rule>[, <rule>]      -- squawk-ignore-file [<rule>, …]
 *   pgfence     -- pgfence-ignore                       -- pgfence-ignore: <rule>[, <rule>]
 *
 * Squawk and pgfence comments are honoured so teams can switch without rewriting them: their rule
 * names are read through the rules' aliases, a name migration-lint does not know is ignored, and a
 * `pgfence-ignore` with no rule silences every rule on its statement.
 * Every form is accepted in every file type as long as it sits in that type's comment; TS/JS and
 * Python files also accept `--` comments because they embed SQL in strings.
 */

/** What a directive covers. */
export type DirectiveScope =
  /** The statement that starts on the next line that is not blank or a comment. */
  | 'next-statement'
  /** The statement on the directive's own line (a trailing `# migration-lint: disable=` or `-- squawk-ignore`). */
  | 'this-statement'
  | 'file';

export interface Directive {
  file: string;
  /** Where the comment starts and ends (1-based; end column exclusive). */
  line: number;
  column: number;
  endColumn: number;
  scope: DirectiveScope;
  /** Rule ids as written; empty for Squawk's `squawk-ignore-file` or pgfence's `pgfence-ignore` with no rule (= every rule). */
  rules: string[];
  /** Text after ` -- `; undefined when none was given. */
  reason?: string;
  syntax: 'migration-lint' | 'squawk' | 'pgfence';
  /** The directive keyword as written, for messages (`migration-lint-disable-next-line`). */
  keyword: string;
}

type CommentMarker = '--' | '//' | '#' | '/*';

const SQL_MARKERS: CommentMarker[] = ['--', '/*'];
const SCRIPT_MARKERS: CommentMarker[] = ['//', '/*', '--'];
const PYTHON_MARKERS: CommentMarker[] = ['#', '--'];

/** The comment markers that start a comment in a file, by its extension. */
export function commentMarkers(file: string): CommentMarker[] {
  const lower = file.toLowerCase();
  if (lower.endsWith('.sql')) return SQL_MARKERS;
  if (/\.(?:[cm]?[jt]s|[jt]sx)$/.test(lower)) return SCRIPT_MARKERS;
  if (lower.endsWith('.py')) return PYTHON_MARKERS;
  return ['--', '//', '#', '/*'];
}

const KEYWORDS = [
  // longest first so `…-disable-file` is not read as a shorter keyword
  { re: /^migration-lint-disable-next-line\b/, scope: 'next-statement', syntax: 'migration-lint', assign: false },
  { re: /^migration-lint-disable-file\b/, scope: 'file', syntax: 'migration-lint', assign: false },
  { re: /^migration-lint:\s*disable-file\s*=/, scope: 'file', syntax: 'migration-lint', assign: true },
  { re: /^migration-lint:\s*disable\s*=/, scope: 'own-line-dependent', syntax: 'migration-lint', assign: true },
  { re: /^squawk-ignore-file\b/, scope: 'file', syntax: 'squawk', assign: false },
  { re: /^squawk-ignore\b/, scope: 'own-line-dependent', syntax: 'squawk', assign: false },
  { re: /^pgfence-ignore\b:?/, scope: 'own-line-dependent', syntax: 'pgfence', assign: false },
] as const;

const ESCAPED: Record<CommentMarker, string> = { '--': '--', '//': '//', '#': '#', '/*': '/\\*' };

/** Splits `a, b -- reason` into rule ids and the reason. */
function readPayload(payload: string): { rules: string[]; reason?: string } {
  const sep = /(?:^|\s)--(?:\s|$)/.exec(payload);
  const list = sep ? payload.slice(0, sep.index) : payload;
  const reason = sep ? payload.slice(sep.index + sep[0].length).trim() : undefined;
  const rules = list.split(/[\s,]+/).filter(Boolean);
  const out: { rules: string[]; reason?: string } = { rules };
  if (reason) out.reason = reason;
  return out;
}

export function findDirectives(file: string, source: string): Directive[] {
  if (!/migration-lint|squawk-ignore|pgfence-ignore/.test(source)) return [];
  const markers = commentMarkers(file);
  const pattern = new RegExp(
    `(${markers.map((m) => ESCAPED[m]).join('|')})[ \\t]*(migration-lint|squawk-ignore|pgfence-ignore)`,
    'g',
  );
  const out: Directive[] = [];
  const lines = source.split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    pattern.lastIndex = 0;
    // The first marker followed by a directive keyword (`//migration-lint.dev` in a URL is not one).
    let hit: RegExpExecArray | null;
    let found: { m: RegExpExecArray; body: string; commentEnd: number; keyword: (typeof KEYWORDS)[number] } | undefined;
    while (!found && (hit = pattern.exec(line))) {
      const bodyStart = hit.index + hit[0].length - hit[2]!.length;
      let body = line.slice(bodyStart);
      let commentEnd = line.length;
      if (hit[1] === '/*') {
        const close = body.indexOf('*/');
        if (close !== -1) {
          commentEnd = bodyStart + close + 2;
          body = body.slice(0, close);
        }
      }
      const keyword = KEYWORDS.find((k) => k.re.test(body));
      if (keyword) found = { m: hit, body, commentEnd, keyword };
      else pattern.lastIndex = hit.index + 1;
    }
    if (!found) return;
    const { m, body, commentEnd, keyword } = found;
    const matched = keyword.re.exec(body)![0];
    const ownLine = line.slice(0, m.index).trim() === '';
    const scope: DirectiveScope =
      keyword.scope === 'own-line-dependent' ? (ownLine ? 'next-statement' : 'this-statement') : keyword.scope;
    const { rules, reason } = readPayload(body.slice(matched.length));
    const directive: Directive = {
      file,
      line: index + 1,
      column: m.index + 1,
      endColumn: commentEnd + 1,
      scope,
      rules,
      syntax: keyword.syntax,
      keyword: matched.replace(/\s*=$/, '=').replace(/\s+/g, ' '),
    };
    if (reason !== undefined) directive.reason = reason;
    out.push(directive);
  });
  return out;
}

/** The directive as it would be written naming `rules` (`migration-lint: disable=a,b` or `… a, b`). */
export function directiveText(d: Directive, rules: readonly string[]): string {
  return d.keyword.endsWith('=') ? `${d.keyword}${rules.join(',')}` : `${d.keyword} ${rules.join(', ')}`.trimEnd();
}

/**
 * The line a `next-statement` directive points at: the next line that is neither blank nor a
 * comment (so stacked directives and a blank line before the statement still work).
 */
export function targetLine(file: string, lines: readonly string[], directiveLine: number): number {
  const markers = commentMarkers(file);
  for (let l = directiveLine + 1; l <= lines.length; l++) {
    const text = lines[l - 1]!.trim();
    if (text === '') continue;
    if (markers.some((mk) => text.startsWith(mk))) continue;
    return l;
  }
  return directiveLine + 1;
}
