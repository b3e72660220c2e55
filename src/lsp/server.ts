/**
 * `migration-lint lsp --stdio`: the language server. Diagnostics come from the CLI's pipeline
 * (lintDirectory → lintSources), for every open migration, linted with the rest of its directory;
 * code actions add a suppression comment or apply a mechanical fix, each checked by re-linting;
 * hover on a finding shows the rule's `explain` text. Nothing may write to stdout but the connection.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CodeAction,
  CodeActionKind,
  type Connection,
  createConnection,
  type Diagnostic,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  type Hover,
  MarkupKind,
  type Position,
  ProposedFeatures,
  type Range,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../engine/types.js';
import type { Severity } from '../rules/types.js';
import { ruleDocsUrl } from '../version.js';
import { explainRule } from '../rules/explain.js';
import { CONFIG_FILE_NAME, ConfigError, loadConfigFile } from '../config/load.js';
import { ACCEPTED_RULE_IDS, findRule } from '../rules/index.js';
import type { ConfigProblem } from '../config/schema.js';
import { EXTENSIONS } from '../parsers/registry.js';
import { lintDirectory, setPersistentCache, warmDirectory, writeDeferredCacheEntries } from './lint-directory.js';
import { likelyMigrationDirectories } from './warm-up.js';
import type { LineRange } from '../suppressions/apply.js';
import { insertionEdit, suppressionInsertions } from '../fix/edits.js';
import { applyEdits, mechanicalFixes, type TextFix } from '../fix/fixes.js';
import type { MigrationFormat, TransactionMode } from '../ir/types.js';

export const SOURCE = 'migration-lint';
/** Wait after the last keystroke before linting again. */
const DEFAULT_DEBOUNCE_MS = 200;
/** How many of the workspace's migration directories are parsed before any file is opened. */
const WARM_DIRECTORIES = 8;
/** Parse cache entries written per turn of the event loop once the server is idle. */
const CACHE_WRITES_PER_TURN = 20;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** A finding's range; an empty span (a file-level problem at 1:1) is widened to the rest of its line. */
export function findingRange(f: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>, doc?: TextDocument): Range {
  const start = { line: f.line - 1, character: f.column - 1 };
  let end = { line: f.endLine - 1, character: f.endColumn - 1 };
  if (end.line < start.line || (end.line === start.line && end.character <= start.character)) {
    const lineText = doc
      ?.getText({ start: { line: start.line, character: 0 }, end: { line: start.line + 1, character: 0 } })
      .replace(/\r?\n$/, '');
    end = { line: start.line, character: Math.max(start.character, lineText?.length ?? start.character) };
  }
  return { start, end };
}

export function toDiagnostic(f: Finding, doc?: TextDocument): Diagnostic {
  const message = [f.message, f.lock ? `Lock: ${f.lock}` : '', f.help ? `Fix: ${f.help}` : '']
    .filter(Boolean)
    .join('\n');
  const d: Diagnostic = {
    range: findingRange(f, doc),
    severity: SEVERITY[f.severity],
    code: f.rule,
    source: SOURCE,
    message,
  };
  if (findRule(f.rule)) d.codeDescription = { href: ruleDocsUrl(f.rule) };
  if (f.related?.length)
    d.relatedInformation = f.related.map((l) => ({
      location: { uri: pathToFileURL(l.file).href, range: findingRange(l, l.file === f.file ? doc : undefined) },
      message: l.message,
    }));
  return d;
}

function configDiagnostic(p: ConfigProblem): Diagnostic {
  const line = Math.max(0, (p.position?.line ?? 1) - 1);
  const character = Math.max(0, (p.position?.column ?? 1) - 1);
  return {
    // a problem without a position (an unreadable file) underlines the first line
    range: {
      start: { line, character },
      end: p.position ? { line, character: character + 1 } : { line: line + 1, character: 0 },
    },
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    message: p.path ? `"${p.path}": ${p.message}` : p.message,
  };
}

const contains = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));
const overlaps = (a: Range, b: Range) => contains(a, b.start) || contains(a, b.end) || contains(b, a.start);

interface Options {
  debounceMs: number;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const options: Options = { debounceMs: DEFAULT_DEBOUNCE_MS };
  let workspaceRoot: string | undefined;
  /** The findings last published per open document, for code actions and hover. */
  const published = new Map<
    string,
    {
      version: number;
      findings: Finding[];
      statements: readonly LineRange[];
      format?: MigrationFormat | undefined;
      transaction?: TransactionMode | undefined;
      onlyIndexes?: boolean | undefined;
    }
  >();
  /** Config files currently shown with problems. */
  const brokenConfigs = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  /** Per directory: the lint under way, and whether another was asked for meanwhile. */
  const running = new Map<string, { again: boolean }>();

  const overlays = (): Map<string, string> => {
    const out = new Map<string, string>();
    for (const doc of documents.all()) {
      const path = filePath(doc.uri);
      if (path) out.set(path, doc.getText());
    }
    return out;
  };
  const openIn = (dir: string) =>
    documents.all().filter((d) => {
      const p = filePath(d.uri);
      return p !== undefined && dirname(p) === dir;
    });

  /** Whether a lint was asked for: the warm-up leaves the remaining directories until then. */
  let linted = false;
  async function warmUp(root: string): Promise<void> {
    for (const dir of likelyMigrationDirectories(root, EXTENSIONS, WARM_DIRECTORIES)) {
      if (linted) break;
      await warmDirectory(dir);
    }
    writeCacheWhenIdle();
  }

  /** Writes the parse cache entries held back (so that they delay no diagnostics) while nothing else runs. */
  let writingCache = false;
  function writeCacheWhenIdle(): void {
    if (writingCache) return;
    writingCache = true;
    const step = () => {
      if (running.size > 0 || timers.size > 0) setTimeout(step, 20);
      else if (writeDeferredCacheEntries(CACHE_WRITES_PER_TURN)) setImmediate(step);
      else writingCache = false;
    };
    setImmediate(step);
  }

  async function lintAndPublish(dir: string): Promise<void> {
    linted = true;
    const current = running.get(dir);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: false };
    running.set(dir, state);
    try {
      do {
        state.again = false;
        const docs = openIn(dir);
        if (docs.length === 0) break;
        const versions = new Map(docs.map((d) => [d.uri, d.version]));
        const result = await lintDirectory(
          dir,
          overlays(),
          docs.map((d) => filePath(d.uri)!),
          workspaceRoot,
        );
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by an edit handler during the awaits
        if (state.again) continue; // an edit arrived meanwhile: lint the newer text before publishing
        if (result.kind === 'config-error') {
          brokenConfigs.add(result.configFile);
          await connection.sendDiagnostics({
            uri: pathToFileURL(result.configFile).href,
            diagnostics: result.problems.map(configDiagnostic),
          });
        }
        for (const doc of docs) {
          const path = filePath(doc.uri)!;
          const findings = result.kind === 'linted' ? result.findings.filter((f) => f.file === path) : [];
          if (result.kind === 'linted')
            published.set(doc.uri, {
              version: versions.get(doc.uri)!,
              findings,
              statements: result.statements.get(path) ?? [],
              format: result.formats.get(path)?.format,
              transaction: result.formats.get(path)?.transaction,
              onlyIndexes: result.formats.get(path)?.onlyIndexes,
            });
          else published.delete(doc.uri);
          await connection.sendDiagnostics({
            uri: doc.uri,
            version: versions.get(doc.uri)!,
            diagnostics: findings.map((f) => toDiagnostic(f, doc)),
          });
        }
        if (result.kind !== 'config-error') await clearFixedConfigs();
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by an edit handler during the awaits
      } while (state.again);
    } catch (e) {
      connection.console.error(
        `migration-lint: cannot lint ${dir}: ${(e as { message?: string }).message ?? String(e)}`,
      );
    } finally {
      running.delete(dir);
      writeCacheWhenIdle();
    }
  }

  /** A config shown with problems that now loads (or is gone) loses them. */
  async function clearFixedConfigs(): Promise<void> {
    for (const file of [...brokenConfigs]) {
      try {
        loadConfigFile(file, ACCEPTED_RULE_IDS);
      } catch (e) {
        if (!(e instanceof ConfigError) || existsSync(file)) continue;
      }
      brokenConfigs.delete(file);
      await connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: [] });
    }
  }

  function schedule(dir: string, delay: number): void {
    clearTimeout(timers.get(dir));
    if (delay <= 0) {
      timers.delete(dir);
      void lintAndPublish(dir);
      return;
    }
    timers.set(
      dir,
      setTimeout(() => {
        timers.delete(dir);
        void lintAndPublish(dir);
      }, delay),
    );
  }
  const relintAll = () => {
    for (const dir of new Set(
      documents
        .all()
        .map((d) => filePath(d.uri))
        .filter((p): p is string => p !== undefined)
        .map((p) => dirname(p)),
    ))
      schedule(dir, 0);
  };

  connection.onInitialize((params) => {
    // rootUri: for clients that send no workspace folders (older LSP clients).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const root = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (root) workspaceRoot = filePath(root);
    const init = params.initializationOptions as { debounceMs?: unknown; cacheLocation?: unknown } | undefined;
    if (typeof init?.debounceMs === 'number' && init.debounceMs >= 0) options.debounceMs = init.debounceMs;
    // a directory for the parse cache between sessions, or null for none
    if (typeof init?.cacheLocation === 'string' && isAbsolute(init.cacheLocation))
      setPersistentCache(init.cacheLocation);
    else if (init?.cacheLocation === null) setPersistentCache(undefined);
    watchDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    // The workspace's migrations are read and parsed while the editor is still getting ready. After this
    // reply: the connection writes it from a setImmediate callback, which runs before the next timers.
    const warmRoot = workspaceRoot;
    if (warmRoot) setTimeout(() => void warmUp(warmRoot), 0);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
      },
      serverInfo: { name: 'migration-lint' },
    };
  });
  let watchDynamically = false;
  connection.onInitialized(() => {
    if (!watchDynamically) return;
    const extensions = EXTENSIONS.map((e) => e.replace(/^\./, '')).join(',');
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [
        { globPattern: `**/${CONFIG_FILE_NAME}` },
        { globPattern: '**/package.json' },
        { globPattern: `**/*.{${extensions}}` },
      ],
    });
  });

  // what is held back is written before the editor stops the server, for its next start
  connection.onShutdown(() => {
    writeDeferredCacheEntries(Infinity);
  });

  documents.onDidOpen((e) => {
    const path = filePath(e.document.uri);
    if (path) schedule(dirname(path), 0);
  });
  documents.onDidChangeContent((e) => {
    const path = filePath(e.document.uri);
    if (path) schedule(dirname(path), options.debounceMs);
  });
  documents.onDidClose((e) => {
    published.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    const path = filePath(e.document.uri);
    // the closed buffer's unsaved text no longer counts: its neighbours are judged with the disk version
    if (path) schedule(dirname(path), options.debounceMs);
  });

  connection.onDidChangeWatchedFiles((params) => {
    const touchesConfig = params.changes.some((c) => {
      const p = filePath(c.uri);
      return p !== undefined && (p.endsWith(CONFIG_FILE_NAME) || p.endsWith('package.json'));
    });
    if (touchesConfig) return relintAll();
    for (const c of params.changes) {
      const p = filePath(c.uri);
      if (p && openIn(dirname(p)).length) schedule(dirname(p), options.debounceMs);
    }
  });

  /** Re-lints the directory with `uri` holding `text`: the findings of that file. */
  async function findingsWith(uri: string, text: string): Promise<{ findings: Finding[] } | undefined> {
    const path = filePath(uri);
    if (!path) return undefined;
    const buffers = overlays();
    buffers.set(path, text);
    const result = await lintDirectory(dirname(path), buffers, [path], workspaceRoot);
    return result.kind === 'linted' ? { findings: result.findings.filter((f) => f.file === path) } : undefined;
  }
  const count = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.rule === rule).length;
  /** The fix as a code action, when the edited migration loses the finding and gains no new one. */
  async function checkedAction(
    doc: TextDocument,
    before: readonly Finding[],
    finding: Finding,
    fix: TextFix,
    kind: 'fix' | 'suppress',
  ): Promise<CodeAction | undefined> {
    const edited = applyEdits(doc.getText(), fix.edits);
    if (edited === undefined) return undefined;
    const after = await findingsWith(doc.uri, edited);
    if (!after) return undefined;
    if (count(after.findings, finding.rule) >= count(before, finding.rule)) return undefined;
    for (const rule of [
      'parse-error',
      'unused-suppression',
      'ban-concurrent-index-creation-in-transaction',
      'constraint-missing-not-valid',
      'transaction-nesting',
      'ban-uncommitted-transaction',
    ])
      if (rule !== finding.rule && count(after.findings, rule) > count(before, rule)) return undefined;
    return {
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toDiagnostic(finding, doc)],
      ...(kind === 'fix' ? { isPreferred: true } : {}),
      edit: {
        changes: {
          [doc.uri]: fix.edits.map((e) => ({
            range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) },
            newText: e.text,
          })),
        },
      },
    };
  }

  connection.onCodeAction(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    const shown = published.get(params.textDocument.uri);
    if (!doc || !shown || shown.version !== doc.version) return [];
    const actions: CodeAction[] = [];
    try {
      for (const f of shown.findings) {
        if (!overlaps(findingRange(f, doc), params.range)) continue;
        const text = doc.getText();
        const { statements, format, transaction, onlyIndexes } = shown;
        for (const fix of await mechanicalFixes(f, { text, statements, format, transaction, onlyIndexes })) {
          const fixAction = await checkedAction(doc, shown.findings, f, fix, 'fix');
          if (fixAction) actions.push(fixAction);
        }
        for (const insertion of suppressionInsertions(f, text, shown.statements)) {
          const asFix = { title: insertion.title, edits: [insertionEdit(text, insertion)] };
          const suppress = await checkedAction(doc, shown.findings, f, asFix, 'suppress');
          if (suppress) {
            actions.push(suppress);
            break;
          }
        }
      }
    } catch (e) {
      connection.console.error(
        `migration-lint: code actions failed: ${(e as { message?: string }).message ?? String(e)}`,
      );
    }
    return actions;
  });

  connection.onHover((params): Hover | null => {
    const doc = documents.get(params.textDocument.uri);
    const shown = published.get(params.textDocument.uri);
    if (!doc || !shown) return null;
    const rules = [
      ...new Set(shown.findings.filter((f) => contains(findingRange(f, doc), params.position)).map((f) => f.rule)),
    ];
    const texts = rules
      .map((id) => findRule(id))
      .filter((r) => r !== undefined)
      .map((r) => explainRule(r));
    if (texts.length === 0) return null;
    return { contents: { kind: MarkupKind.Markdown, value: texts.join('\n\n---\n\n') } };
  });

  documents.listen(connection);
  connection.listen();
}

/** Runs the server on this process's stdin/stdout until the client says exit. */
export function runStdioServer(): Promise<never> {
  const connection = createConnection(
    ProposedFeatures.all,
    new StreamMessageReader(process.stdin),
    new StreamMessageWriter(process.stdout),
  );
  // anything printed by accident would corrupt the protocol stream
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  console.info = console.log;
  console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
  startServer(connection);
  return new Promise(() => {});
}
