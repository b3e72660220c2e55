/**
 * The GitHub Action's Markdown report — the job summary ($GITHUB_STEP_SUMMARY) and the sticky pull
 * request comment — built from the SARIF log of the run, which records every file read (artifacts)
 * and every finding with its rule, lock and fix.
 *
 * Everything quoted from a migration (identifiers in messages, file names) comes from the pull
 * request, possibly a fork: it is escaped so it can neither inject HTML nor Markdown nor @mention.
 */
import { fileURLToPath } from 'node:url';
import { relative, sep } from 'node:path';
import type * as Sarif from 'sarif';

/** The hidden marker that identifies migration-lint's sticky comment among a pull request's comments. */
export const COMMENT_MARKER = '<!-- migration-lint:sticky-comment -->';

export interface SummaryContext {
  /** The repository root ($GITHUB_WORKSPACE): paths are shown relative to it. */
  workspace: string;
  /** `https://github.com/owner/repo/blob/<sha>`, for links to the flagged lines; none without it. */
  blobUrl?: string;
  /** migration-lint's exit code. */
  exitCode: number;
}

interface ReportedFinding {
  path: string;
  line: number;
  level: string;
  rule: string;
  helpUri?: string;
  message: string;
  lock?: string;
  fix?: string;
}

export interface RunReport {
  files: string[];
  findings: ReportedFinding[];
  counts: { error: number; warning: number; note: number };
}

/** Escapes text quoted from a migration for Markdown (inline, one line). */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/\r?\n/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // brackets escaped, so no link or image can form; emphasis, code and table pipes escaped too
      .replace(/([\\`*_[\]|~])/g, '\\$1')
      .replace(/@/g, '@\u200b')
  ); // no @mentions
}

/** A repository-relative path for a SARIF artifact URI (resolved against its uriBaseId). */
function pathOf(location: Sarif.ArtifactLocation | undefined, run: Sarif.Run, workspace: string): string {
  const uri = location?.uri ?? '';
  const base = location?.uriBaseId ? run.originalUriBaseIds?.[location.uriBaseId]?.uri : undefined;
  try {
    const absolute = fileURLToPath(new URL(uri, base ?? `file://${workspace}/`));
    return relative(workspace, absolute).split(sep).join('/');
  } catch {
    return decodeURIComponent(uri);
  }
}

/** The message without the " Lock: …" and " Fix: …" sentences SARIF appends (they are shown apart). */
function mainMessage(text: string, lock?: string, fix?: string): string {
  let cut = text.length;
  for (const [label, value] of [
    ['Lock', lock],
    ['Fix', fix],
  ] as const) {
    if (!value) continue;
    const at = text.indexOf(` ${label}: ${value}`);
    if (at >= 0) cut = Math.min(cut, at);
  }
  return text.slice(0, cut);
}

export function readRunReport(log: Sarif.Log, workspace: string): RunReport {
  const files: string[] = [];
  const findings: ReportedFinding[] = [];
  const counts = { error: 0, warning: 0, note: 0 };
  for (const run of log.runs) {
    for (const artifact of run.artifacts ?? []) files.push(pathOf(artifact.location, run, workspace));
    const rules = run.tool.driver.rules ?? [];
    for (const result of run.results ?? []) {
      const physical = result.locations?.[0]?.physicalLocation;
      const props = (result.properties ?? {}) as { lock?: string; help?: string };
      const level = result.level ?? 'warning';
      if (level === 'error' || level === 'warning' || level === 'note') counts[level]++;
      const rule = result.ruleId ?? 'unknown';
      findings.push({
        path: pathOf(physical?.artifactLocation, run, workspace),
        line: physical?.region?.startLine ?? 1,
        level,
        rule,
        helpUri: (result.ruleIndex !== undefined ? rules[result.ruleIndex] : rules.find((r) => r.id === rule))?.helpUri,
        message: mainMessage(result.message.text ?? '', props.lock, props.help),
        lock: props.lock,
        fix: props.help,
      });
    }
  }
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  return { files: [...new Set(files)].sort(), findings, counts };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const SEVERITY: Record<string, string> = { error: 'error', warning: 'warning', note: 'info' };

/** The headline: what was found in how many files. */
export function headline(report: RunReport): string {
  const n = report.findings.length;
  const files = plural(report.files.length, 'file');
  if (n === 0) return `✅ migration-lint: no problems in ${files}`;
  const { error, warning, note } = report.counts;
  const parts = [plural(error, 'error'), plural(warning, 'warning'), ...(note ? [`${note} info`] : [])];
  return `${error ? '❌' : '⚠️'} migration-lint: ${plural(n, 'problem')} (${parts.join(', ')}) in ${files}`;
}

/**
 * The Markdown report. `maxLength` bounds it (GitHub rejects comments over 65536 characters): files
 * that do not fit are counted, not listed.
 */
export function renderMarkdown(report: RunReport, ctx: SummaryContext, maxLength = 60_000): string {
  const out: string[] = [`### ${headline(report)}`, ''];
  if (ctx.exitCode === 2)
    out.push('migration-lint stopped with a usage or configuration error (exit code 2): see the job log.', '');
  const byFile = new Map<string, ReportedFinding[]>();
  for (const f of report.findings) byFile.set(f.path, [...(byFile.get(f.path) ?? []), f]);
  const tail = () => {
    const listed = report.files.map((f) => `- \`${f.replace(/`/g, "'")}\``);
    return [
      '<details><summary>What was linted: ' + plural(report.files.length, 'file') + '</summary>',
      '',
      ...listed,
      '',
      '</details>',
    ];
  };
  let omitted = 0;
  for (const [path, findings] of byFile) {
    const section: string[] = [`#### \`${path.replace(/`/g, "'")}\``, ''];
    for (const f of findings) {
      const line = ctx.blobUrl
        ? `[line ${f.line}](${ctx.blobUrl}/${path.split('/').map(encodeURIComponent).join('/')}#L${f.line})`
        : `line ${f.line}`;
      const rule = f.helpUri ? `[\`${f.rule}\`](${f.helpUri})` : `\`${f.rule}\``;
      section.push(`- **${SEVERITY[f.level] ?? f.level}** ${rule}, ${line}: ${escapeMarkdown(f.message)}`);
      if (f.lock) section.push(`  - Lock: ${escapeMarkdown(f.lock)}`);
      if (f.fix) section.push(`  - Fix: ${escapeMarkdown(f.fix)}`);
    }
    section.push('');
    if (out.join('\n').length + section.join('\n').length + tail().join('\n').length + 200 > maxLength)
      omitted += findings.length;
    else out.push(...section);
  }
  if (omitted) out.push(`… and ${plural(omitted, 'more problem')} not shown here: the job log lists them all.`, '');
  let text = [...out, ...tail()].join('\n');
  if (text.length > maxLength) text = [...out, `(${plural(report.files.length, 'file')} linted)`].join('\n');
  return text + '\n';
}
