/**
 * SARIF 2.1.0 output, for GitHub code scanning (`github/codeql-action/upload-sarif`) and other SARIF
 * viewers. Every rule is described in `tool.driver.rules` with its documentation; artifact URIs are
 * relative to `%SRCROOT%` (the repository root, whatever the working directory) so the log is
 * portable between machines and code scanning finds the files.
 */
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Finding } from '../engine/types.js';
import type { FindingKind, Severity } from '../rules/types.js';
import { ALL_RULES } from '../rules/index.js';
import { explainRule } from '../rules/explain.js';
import { HOMEPAGE, ruleDocsUrl } from '../version.js';
import { fingerprintFindings } from '../baseline/fingerprint.js';
import { LineIndex } from '../ir/source-text.js';
import type { Reporter } from './types.js';
import { rootPathOf } from './paths.js';

/** A 1-based span as a SARIF region; an empty or inverted end collapses onto the start. */
function regionOf(span: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>): Sarif.Region {
  const region: Sarif.Region = {
    startLine: span.line,
    startColumn: span.column,
    endLine: Math.max(span.line, span.endLine),
    endColumn: span.endColumn,
  };
  if (region.endLine === region.startLine && region.endColumn! < region.startColumn!)
    region.endColumn = region.startColumn;
  return region;
}

export const SRCROOT = '%SRCROOT%';
export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/** `require-concurrent-index-creation` → `RequireConcurrentIndexCreation` (SARIF's `name` is an identifier). */
function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** Markdown without its markup, for the plain-text variants SARIF requires next to Markdown. */
function plain(markdown: string): string {
  return markdown
    .replace(/```[a-z]*\n([\s\S]*?)```/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/^#+ /gm, '')
    .trim();
}

/** SARIF wants descriptions and messages to be complete sentences. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function firstParagraph(markdown: string): string {
  return markdown.split(/\n\s*\n/)[0]!.trim();
}

function describeRule(rule: FindingKind): Sarif.ReportingDescriptor {
  const m = rule.meta;
  const help = explainRule(rule);
  return {
    id: m.id,
    name: ruleName(m.id),
    shortDescription: { text: sentence(m.summary) },
    fullDescription: {
      text: sentence(plain(`${firstParagraph(m.docs.what)} ${firstParagraph(m.docs.why)}`)),
      markdown: `${m.docs.what}\n\n${m.docs.why}`,
    },
    help: { text: sentence(plain(help)), markdown: help },
    helpUri: ruleDocsUrl(m.id),
    defaultConfiguration: { level: LEVEL[m.severity] },
    properties: { tags: ['postgresql', 'migrations', ...(m.lock ? ['locking'] : [])] },
  };
}

function sourceLanguage(file: string): string | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.sql')) return 'sql';
  if (lower.endsWith('.py')) return 'python';
  if (/\.[cm]?ts$/.test(lower)) return 'typescript';
  if (/\.[cm]?js$/.test(lower)) return 'javascript';
  return undefined;
}

/** A relative path as a URI reference: each segment percent-encoded (`<stdin>.sql` → `%3Cstdin%3E.sql`). */
function uriOf(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function messageOf(f: Finding): string {
  const parts = [sentence(f.message)];
  if (f.lock) parts.push(sentence(`Lock: ${f.lock}`));
  if (f.help) parts.push(sentence(`Fix: ${f.help}`));
  return parts.join(' ');
}

export function sarifLog(input: Parameters<Reporter>[0]): Sarif.Log {
  const rules = ALL_RULES;
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.id, i]));
  const artifacts: Sarif.Artifact[] = [];
  const artifactIndex = new Map<string, number>();
  const pathOf = rootPathOf(input);
  const artifactFor = (file: string): number => {
    const uri = uriOf(pathOf(file));
    let i = artifactIndex.get(uri);
    if (i === undefined) {
      i = artifacts.length;
      artifactIndex.set(uri, i);
      const artifact: Sarif.Artifact = { location: { uri, uriBaseId: SRCROOT }, roles: ['analysisTarget'] };
      const language = sourceLanguage(file);
      if (language) artifact.sourceLanguage = language;
      const source = input.sources.get(file);
      if (source) artifact.length = Buffer.byteLength(source, 'utf8');
      artifacts.push(artifact);
    }
    return i;
  };
  // Every file the run read is listed, with or without results: the log records what was analysed.
  for (const m of input.migrations) artifactFor(m.file);
  const indexes = new Map<string, LineIndex>();
  const snippet = (f: Finding): string | undefined => {
    const source = input.sources.get(f.file);
    if (!source) return undefined;
    let index = indexes.get(f.file);
    if (!index) indexes.set(f.file, (index = new LineIndex(source)));
    const text = source.slice(index.lineStart(f.line) + f.column - 1, index.lineStart(f.endLine) + f.endColumn - 1);
    return text || undefined;
  };
  const fingerprints = fingerprintFindings(input.findings, input.sources, pathOf);
  const results: Sarif.Result[] = input.findings.map((f, i) => {
    const index = artifactFor(f.file);
    const region = regionOf(f);
    const text = snippet(f);
    if (text) region.snippet = { text };
    const result: Sarif.Result = {
      ruleId: f.rule,
      level: LEVEL[f.severity],
      message: { text: messageOf(f) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifacts[index]!.location!.uri!, uriBaseId: SRCROOT, index },
            region,
          },
        },
      ],
      partialFingerprints: { 'migrationLint/v1': fingerprints[i]! },
    };
    if (f.related?.length)
      result.relatedLocations = f.related.map((l, id) => {
        const at = artifactFor(l.file);
        return {
          id,
          message: { text: l.message },
          physicalLocation: {
            artifactLocation: { uri: artifacts[at]!.location!.uri!, uriBaseId: SRCROOT, index: at },
            region: regionOf(l),
          },
        };
      });
    const r = ruleIndex.get(f.rule);
    if (r !== undefined) result.ruleIndex = r;
    const properties: Record<string, unknown> = { direction: f.direction };
    if (f.lock) properties.lock = f.lock;
    if (f.help) properties.help = f.help;
    if (f.revision) properties.revision = f.revision;
    result.properties = properties;
    return result;
  });
  const rootDir = input.root ?? input.cwd;
  const srcroot = pathToFileURL(rootDir.endsWith('/') ? rootDir : `${rootDir}/`).href;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'migration-lint',
            version: input.toolVersion,
            semanticVersion: input.toolVersion,
            informationUri: HOMEPAGE,
            rules: rules.map(describeRule),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: srcroot } },
        artifacts,
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

export const sarifReporter: Reporter = (input) => JSON.stringify(sarifLog(input), null, 2) + '\n';
