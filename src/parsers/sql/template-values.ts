/**
 * SQL files that a tool renders as a template before it runs them: gobuffalo/pop (Supabase Auth's
 * migrations) executes each `.sql` migration as a Go text/template, so a schema can be a value of the
 * run (`create table {{ index .Options "Namespace" }}.users`, or quoted: `"{{ … }}".users`).
 *
 * Postgres never sees `{{` outside a string, quoted name or comment: a file with an action there is a
 * template. Then every action in it is a value the file does not show, in code and inside strings
 * alike (the template engine renders both, e.g. a DO block's `execute 'drop index {{ … }}.x'`), and
 * it becomes a quoted name after its last word, `"{Namespace}"`, padded with spaces to the action's
 * length: the statement parses, every other character keeps its position, and the same action,
 * however spaced or quoted, is the same name throughout the run. In an SQL file that is not a
 * template (a mustache text stored by an INSERT: `'Hello {{name}}'`) nothing changes.
 */
import * as libpgQuery from 'libpg-query';
import { byteToCharMapper } from '../../ir/source-text.js';

/** A template action on one line: `{{ … }}`, with Go's `{{-`/`-}}` trim markers. */
const ACTION = /\{\{[^{}\n]*\}\}/g;

/** The name an action stands for: `{` its last word `}` (`{{ index .Options "Namespace" }}` → `{Namespace}`). */
function nameOf(action: string): string {
  const words = action.match(/[A-Za-z_][A-Za-z0-9_]*/g);
  return `{${words?.at(-1) ?? 'value'}}`;
}

const padded = (s: string, length: number) => s + ' '.repeat(Math.max(0, length - s.length));

/**
 * Above this size a file is not read as a template (its actions stay syntax errors): the scanner's
 * tokens of a whole file cost about 100 bytes per character, and templates are hand-written files.
 */
const MAX_TEMPLATE_CHARS = 1 << 20;

export function templateActionsAsNames(text: string): string {
  if (text.length > MAX_TEMPLATE_CHARS || !text.includes('{{')) return text;
  const actions = [...text.matchAll(ACTION)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  if (actions.length === 0) return text;
  // Postgres's scanner tells where each action sits; with the action's own quotes masked, so that
  // `"{{ index .Options "Namespace" }}"` is one quoted name to it.
  let masked = '';
  let at = 0;
  for (const a of actions) {
    masked += text.slice(at, a.start) + '{{' + 'x'.repeat(a.end - a.start - 4) + '}}';
    at = a.end;
  }
  masked += text.slice(at);
  let scanned: { start: number; end: number; text: string }[];
  try {
    scanned = libpgQuery.scanSync(masked).tokens;
  } catch {
    return text;
  }
  const toChar = byteToCharMapper(masked);
  const tokens = scanned.map((t) => ({ start: toChar(t.start), end: toChar(t.end), text: t.text }));
  let k = 0;
  const edits = actions.map((a) => {
    while (k < tokens.length && tokens[k]!.end <= a.start) k++;
    const token = tokens[k];
    const name = nameOf(text.slice(a.start, a.end));
    if (token?.start === a.start && token.text === '{') return { ...a, code: true, replacement: `"${name}"` };
    if (token?.start === a.start - 1 && token.end === a.end + 1 && token.text.startsWith('"'))
      // the whole of a quoted name: the same name as in code
      return { start: a.start - 1, end: a.end + 1, code: true, replacement: `"${name}"` };
    // inside a quoted name, a string or a comment: text, which the template engine renders all the same
    return { ...a, code: false, replacement: token?.text.startsWith('"') ? name : `"${name}"` };
  });
  if (!edits.some((e) => e.code)) return text;
  let out = '';
  let copied = 0;
  for (const e of edits) {
    out += text.slice(copied, e.start) + padded(e.replacement, e.end - e.start);
    copied = e.end;
  }
  return out + text.slice(copied);
}
