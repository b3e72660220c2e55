/**
 * The playground page: an editor with one tab per migration file, the linter's options, and the
 * findings — listed and underlined. Lints with src/core.ts, the same parsers and rules as the CLI,
 * in the page: nothing is sent anywhere.
 */
import { basicSetup, EditorView } from 'codemirror';
import { EditorState, type Extension } from '@codemirror/state';
import { PostgreSQL, sql } from '@codemirror/lang-sql';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import pkg from '../package.json' with { type: 'json' };
import {
  detectFormat,
  type Finding,
  lintFiles,
  loadAllParsers,
  type MigrationFormat,
  packageIdentity,
  setPythonGrammarLocation,
} from '../src/core.js';
import { EXAMPLES } from './examples.js';
import {
  checkState,
  decodeState,
  encodeState,
  FORMATS,
  PG_VERSIONS,
  type PlaygroundFile,
  type PlaygroundState,
} from './state.js';

const { ruleDocsUrl, VERSION, REPOSITORY_URL } = packageIdentity(pkg);
// The grammar is served beside the page (playground/build.mjs copies it), not from node_modules.
setPythonGrammarLocation(new URL('tree-sitter-python.wasm', document.baseURI));

function $<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`index.html has no #${id}`);
  return el;
}
const tabsEl = $('tabs', HTMLDivElement);
const pathEl = $('path', HTMLInputElement);
const detectedEl = $('detected', HTMLSpanElement);
const findingsEl = $('findings', HTMLOListElement);
const statusEl = $('status', HTMLParagraphElement);
const noticeEl = $('notice', HTMLParagraphElement);
const formatEl = $('format', HTMLSelectElement);
const pgVersionEl = $('pg-version', HTMLSelectElement);
const inTransactionEl = $('in-transaction', HTMLInputElement);
const dialectEl = $('dialect', HTMLSelectElement);
const exampleEl = $('example', HTMLSelectElement);

function option(select: HTMLSelectElement, value: string, label: string): void {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  select.append(o);
}
option(formatEl, 'auto', 'Auto-detect');
for (const f of FORMATS) option(formatEl, f.value, f.label);
for (const v of PG_VERSIONS) option(pgVersionEl, String(v), `PostgreSQL ${String(v)}`);
option(exampleEl, '', 'Load an example…');
EXAMPLES.forEach((e, i) => {
  option(exampleEl, String(i), e.label);
});
$('repo', HTMLAnchorElement).href = REPOSITORY_URL;
$('version', HTMLSpanElement).textContent = `v${VERSION}`;

function exampleState(index: number): PlaygroundState {
  const example = EXAMPLES[index] ?? EXAMPLES[0];
  if (!example) throw new Error('no examples');
  return {
    files: example.files.map((f) => ({ ...f })),
    active: example.files.length - 1,
    options: { format: 'auto', pgVersion: 14, assumeInTransaction: false, dialect: 'postgresql' },
  };
}

let state: PlaygroundState = exampleState(0);
/** One editor state per tab (its undo history and selection survive switching tabs). */
let editorStates: EditorState[] = [];
let findings: Finding[] = [];

function fileAt(index: number): PlaygroundFile {
  const file = state.files[index];
  if (!file) throw new Error(`no file ${String(index)}`);
  return file;
}

function editorAt(index: number): EditorState {
  const editor = editorStates[index];
  if (!editor) throw new Error(`no editor ${String(index)}`);
  return editor;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function languageFor(path: string): Extension {
  if (/\.py$/i.test(path)) return python();
  if (/\.[cm]?[jt]sx?$/i.test(path)) return javascript({ typescript: /\.[cm]?tsx?$/i.test(path) });
  return sql({ dialect: PostgreSQL });
}

function editorState(file: PlaygroundFile): EditorState {
  return EditorState.create({
    doc: file.text,
    extensions: [
      basicSetup,
      languageFor(file.path),
      lintGutter(),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          const current = state.files[state.active];
          if (current) current.text = update.state.doc.toString();
          scheduleLint();
        }
      }),
    ],
  });
}

const view = new EditorView({ parent: $('editor', HTMLDivElement) });

function framework(): MigrationFormat | undefined {
  return state.options.format === 'auto' ? undefined : state.options.format;
}

/** Shows `next` (from an example, a link or the start-up default): editors, options, then a lint run. */
function load(next: PlaygroundState): void {
  state = next;
  editorStates = state.files.map(editorState);
  formatEl.value = state.options.format;
  pgVersionEl.value = String(state.options.pgVersion);
  inTransactionEl.checked = state.options.assumeInTransaction;
  dialectEl.value = state.options.dialect;
  findings = [];
  showTab(state.active);
  void lintNow();
}

function showTab(index: number): void {
  if (editorStates[state.active] && view.state !== editorStates[state.active]) editorStates[state.active] = view.state;
  state.active = index;
  view.setState(editorAt(index));
  pathEl.value = fileAt(index).path;
  renderTabs();
  renderDiagnostics();
}

function renderTabs(): void {
  tabsEl.replaceChildren();
  state.files.forEach((file, i) => {
    const tab = document.createElement('button');
    tab.type = 'button';
    tab.className = i === state.active ? 'tab active' : 'tab';
    tab.title = file.path;
    tab.dataset.path = file.path;
    const count = findings.filter((f) => f.file === file.path).length;
    tab.textContent = `${baseName(file.path)}${count ? ` (${String(count)})` : ''}`;
    tab.addEventListener('click', () => {
      showTab(i);
    });
    tabsEl.append(tab);
  });
  const add = document.createElement('button');
  add.type = 'button';
  add.className = 'tab add';
  add.id = 'add-file';
  add.textContent = '+ file';
  add.title = 'Add a file to the migration set';
  add.addEventListener('click', addFile);
  tabsEl.append(add);
  $('remove-file', HTMLButtonElement).disabled = state.files.length < 2;
  const current = fileAt(state.active);
  const format = detectFormat(current, framework());
  detectedEl.textContent = format
    ? `read as ${FORMATS.find((f) => f.value === format)?.label ?? format}`
    : 'no migration format reads this file name';
}

function addFile(): void {
  editorStates[state.active] = view.state;
  const dir = fileAt(state.active).path.replace(/[^/]*$/, '');
  let n = state.files.length + 1;
  while (state.files.some((f) => f.path === `${dir}new_${String(n)}.sql`)) n++;
  const file = { path: `${dir}new_${String(n)}.sql`, text: '' };
  state.files.push(file);
  editorStates.push(editorState(file));
  showTab(state.files.length - 1);
  scheduleLint();
}

$('remove-file', HTMLButtonElement).addEventListener('click', () => {
  if (state.files.length < 2) return;
  state.files.splice(state.active, 1);
  editorStates.splice(state.active, 1);
  state.active = Math.max(0, state.active - 1);
  view.setState(editorAt(state.active));
  pathEl.value = fileAt(state.active).path;
  scheduleLint();
  renderTabs();
});

pathEl.addEventListener('change', () => {
  const path = pathEl.value.trim();
  const current = fileAt(state.active);
  const renamed = {
    ...state,
    files: state.files.map((f) => (f === current ? { path, text: view.state.doc.toString() } : f)),
  };
  if (typeof checkState(renamed) === 'string') {
    pathEl.setCustomValidity('A relative path of letters, digits and . _ - @ + segments, not used by another tab');
    pathEl.reportValidity();
    return;
  }
  pathEl.setCustomValidity('');
  current.path = path;
  // The language follows the extension: a fresh editor state for the renamed file.
  editorStates[state.active] = editorState(current);
  view.setState(editorAt(state.active));
  renderTabs();
  scheduleLint();
});

for (const el of [formatEl, pgVersionEl, inTransactionEl, dialectEl])
  el.addEventListener('change', () => {
    state.options = {
      format: formatEl.value as PlaygroundState['options']['format'],
      pgVersion: Number(pgVersionEl.value),
      assumeInTransaction: inTransactionEl.checked,
      dialect: dialectEl.value === 'sqlite' ? 'sqlite' : 'postgresql',
    };
    renderTabs();
    void lintNow();
  });

exampleEl.addEventListener('change', () => {
  if (exampleEl.value === '') return;
  load(exampleState(Number(exampleEl.value)));
  exampleEl.value = '';
});

$('copy-link', HTMLButtonElement).addEventListener('click', () => {
  // navigator.clipboard is missing on plain-http pages other than localhost: then the link stays in the address bar.
  saveFragment()
    .then(() => navigator.clipboard.writeText(location.href))
    .catch(() => undefined);
});

/** Finding columns count UTF-16 units from 1, like CodeMirror's offsets; the end is exclusive. */
function diagnosticsFor(path: string): Diagnostic[] {
  const doc = view.state.doc;
  const offset = (line: number, column: number) => {
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    return Math.min(l.from + Math.max(column, 1) - 1, l.to);
  };
  return findings
    .filter((f) => f.file === path)
    .map((f) => {
      const from = offset(f.line, f.column);
      const to = Math.max(offset(f.endLine, f.endColumn), Math.min(from + 1, doc.length));
      return { from, to, severity: f.severity, source: f.rule, message: f.message };
    });
}

function renderDiagnostics(): void {
  const file = state.files[state.active];
  if (file) view.dispatch(setDiagnostics(view.state, diagnosticsFor(file.path)));
}

function renderFindings(elapsed: number): void {
  findingsEl.replaceChildren();
  for (const f of findings) {
    const item = document.createElement('li');
    item.className = `finding ${f.severity}`;
    item.dataset.rule = f.rule;
    item.dataset.file = f.file;
    item.dataset.line = String(f.line);
    item.dataset.column = String(f.column);
    const head = document.createElement('div');
    head.className = 'head';
    const where = document.createElement('button');
    where.type = 'button';
    where.className = 'where';
    where.textContent = `${baseName(f.file)}:${String(f.line)}:${String(f.column)}`;
    where.title = `Show ${f.file} line ${String(f.line)}`;
    where.addEventListener('click', () => {
      const index = state.files.findIndex((file) => file.path === f.file);
      if (index < 0) return;
      showTab(index);
      const line = view.state.doc.line(Math.min(f.line, view.state.doc.lines));
      view.dispatch({ selection: { anchor: Math.min(line.from + f.column - 1, line.to) }, scrollIntoView: true });
      view.focus();
    });
    const severity = document.createElement('span');
    severity.className = 'severity';
    severity.textContent = f.severity;
    const rule = document.createElement('a');
    rule.className = 'rule';
    rule.href = ruleDocsUrl(f.rule);
    rule.target = '_blank';
    rule.rel = 'noopener';
    rule.textContent = f.rule;
    head.append(where, severity, rule);
    const message = document.createElement('p');
    message.className = 'message';
    message.textContent = f.message;
    item.append(head, message);
    for (const [label, text] of [
      ['lock', f.lock],
      ['fix', f.help],
    ] as const) {
      if (!text) continue;
      const p = document.createElement('p');
      p.className = label;
      const b = document.createElement('b');
      b.textContent = `${label}: `;
      p.append(b, text);
      item.append(p);
    }
    findingsEl.append(item);
  }
  const files = new Set(findings.map((f) => f.file)).size;
  const plural = (n: number, word: string) => `${String(n)} ${word}${n === 1 ? '' : 's'}`;
  const took = `linted in ${String(Math.round(elapsed))} ms`;
  statusEl.textContent = findings.length
    ? `${plural(findings.length, 'finding')} in ${plural(files, 'file')} · ${took}`
    : `No findings · ${took}`;
}

let lintTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleLint(): void {
  clearTimeout(lintTimer);
  // `pending`, `running`, `idle`: when the list shows the current text (the browser test waits for idle).
  findingsEl.dataset.state = 'pending';
  lintTimer = setTimeout(() => {
    lintTimer = undefined;
    void lintNow();
  }, 250);
}

let running: Promise<void> | undefined;
let again = false;
// Read through a function: `again` changes while the loop awaits, which type narrowing does not see.
const wantsAgain = () => again;
let runs = 0;

/** Lints the whole set; runs one at a time, and a change during a run starts one more after it. */
async function lintNow(): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  findingsEl.dataset.state = 'running';
  running = (async () => {
    do {
      again = false;
      const started = performance.now();
      const files = state.files.map((f) => ({ path: f.path, text: f.text }));
      const result = await lintFiles(files, {
        pgVersion: state.options.pgVersion,
        assumeInTransaction: state.options.assumeInTransaction,
        dialect: state.options.dialect,
        framework: framework(),
      });
      findings = result.findings;
      renderFindings(performance.now() - started);
      renderDiagnostics();
      renderTabs();
    } while (wantsAgain());
  })();
  try {
    await running;
  } catch (e) {
    statusEl.textContent = `The linter stopped: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    running = undefined;
    runs++;
    findingsEl.dataset.runs = String(runs);
    findingsEl.dataset.state = lintTimer ? 'pending' : 'idle';
    if (findingsEl.dataset.firstFindingsMs === undefined) {
      // How long the first findings took from navigation start (reported by the browser test).
      findingsEl.dataset.firstFindingsMs = String(Math.round(performance.now()));
      // Then the parsers not needed yet, so that the page keeps working offline.
      void loadAllParsers().catch(() => undefined);
    }
    scheduleSave();
  }
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleSave(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void saveFragment(), 300);
}

let savedFragment = '';
async function saveFragment(): Promise<void> {
  editorStates[state.active] = view.state;
  savedFragment = await encodeState(state);
  history.replaceState(null, '', savedFragment);
  findingsEl.dataset.saved = String(runs);
}

async function loadFromLocation(): Promise<void> {
  const decoded = await decodeState(location.hash);
  noticeEl.hidden = !decoded || decoded.ok;
  if (decoded && !decoded.ok)
    noticeEl.textContent = `This link's state could not be loaded (${decoded.reason}); showing an example instead.`;
  load(decoded?.ok ? decoded.state : exampleState(0));
}

window.addEventListener('hashchange', () => {
  if (location.hash !== savedFragment) void loadFromLocation();
});
void loadFromLocation();
