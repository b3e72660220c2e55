/**
 * `--format sarif` on a realistic run (several files, several rules and severities, a parse error,
 * a file in a sub-directory, non-ASCII text), checked by Microsoft's SARIF validator (the JSON schema
 * plus its SARIF1xxx/SARIF2xxx rules) and against the JSON output of the same run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/rules/index.js';
import { HOMEPAGE, ruleDocsUrl } from '../../src/version.js';
import { cli, REPO_ROOT, SAMPLE_MIGRATIONS, tempDir, writeFiles } from './helpers.js';

const validatorBinary = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;

interface JsonFinding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

/**
 * Runs `sarif-multitool validate` once over several logs (the .NET tool's start-up is most of its
 * cost) and returns its results (it reports in SARIF too) grouped by the validated file's path.
 */
function validate(files: string[], dir: string): Map<string, Sarif.Result[]> {
  const out = join(dir, 'validation.sarif');
  execFileSync(
    validatorBinary,
    ['validate', ...files, '--output', out, '--log', 'ForceOverwrite', '--level', 'Error;Warning'],
    { stdio: 'pipe', timeout: 300_000 },
  );
  const log = JSON.parse(readFileSync(out, 'utf8')) as Sarif.Log;
  const byFile = new Map<string, Sarif.Result[]>(files.map((f) => [f, []]));
  for (const result of log.runs.flatMap((r) => r.results ?? [])) {
    const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
    const file = files.find((f) => uri === pathToFileURL(f).href);
    if (!file) throw new Error(`validator result for an unknown file: ${uri}`);
    byFile.get(file)!.push(result);
  }
  return byFile;
}

describe('--format sarif', () => {
  let dir: string;
  let log: Sarif.Log;
  let json: JsonFinding[];
  let sarifPath: string;
  let fixturesLog: Sarif.Log;
  /** The validator's findings on the sample log, the bundled fixtures' log and a deliberately broken log. */
  let problems: Map<string, Sarif.Result[]>;
  const described = (results: Sarif.Result[] | undefined) =>
    (results ?? []).map((r) => `${r.ruleId}: ${r.message.text ?? r.message.id}`);

  beforeAll(async () => {
    dir = tempDir('ml-sarif-');
    writeFiles(dir, {
      ...SAMPLE_MIGRATIONS,
      // a suppression that silences nothing (warning) and an info-level rule via the config
      'db/migrations/archive/005_café_names.sql':
        "-- migration-lint-disable-next-line require-concurrent-index-creation -- tiny table\nALTER TABLE users ADD COLUMN display_name text DEFAULT 'café';\nCREATE INDEX users_display_name_idx ON users (display_name);\n",
      'migration-lint.config.json': '{ "rules": { "adding-required-field": "info" } }\n',
    });
    const sarif = await cli(['--format', 'sarif', 'db'], dir);
    expect(sarif.stderr).toBe('');
    expect(sarif.code).toBe(1);
    sarifPath = join(dir, 'out.sarif');
    writeFileSync(sarifPath, sarif.stdout);
    log = JSON.parse(sarif.stdout) as Sarif.Log;
    json = (JSON.parse((await cli(['--format', 'json', 'db'], dir)).stdout) as { findings: JsonFinding[] }).findings;

    const fixtures = await cli(['--format', 'sarif', 'fixtures'], REPO_ROOT);
    fixturesLog = JSON.parse(fixtures.stdout) as Sarif.Log;
    writeFileSync(join(dir, 'fixtures.sarif'), fixtures.stdout);

    const broken = structuredClone(log);
    delete (broken.runs[0]!.tool.driver as Partial<Sarif.ToolComponent>).informationUri;
    broken.runs[0]!.results![0]!.locations![0]!.physicalLocation!.region!.startLine = 0;
    writeFileSync(join(dir, 'broken.sarif'), JSON.stringify(broken));

    problems = validate([sarifPath, join(dir, 'fixtures.sarif'), join(dir, 'broken.sarif')], dir);
  });

  it('passes the Microsoft SARIF validator with no errors and no warnings', () => {
    expect(described(problems.get(sarifPath))).toEqual([]);
  });

  it('the bundled fixtures (every migration format and rule family) validate clean too', () => {
    expect(fixturesLog.runs[0]!.results!.length).toBeGreaterThan(50);
    expect(described(problems.get(join(dir, 'fixtures.sarif')))).toEqual([]);
  });

  it('the validator does catch a broken log (so the checks above can fail)', () => {
    expect(problems.get(join(dir, 'broken.sarif'))!.length).toBeGreaterThanOrEqual(2);
  });

  it('describes the tool and every rule with its documentation', () => {
    expect(log.version).toBe('2.1.0');
    const driver = log.runs[0]!.tool.driver;
    expect(driver.name).toBe('migration-lint');
    expect(driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(driver.informationUri).toBe(HOMEPAGE);
    expect(driver.rules!.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.meta.id));
    for (const [i, rule] of driver.rules!.entries()) {
      const meta = ALL_RULES[i]!.meta;
      expect(rule.shortDescription!.text).toContain(meta.summary.replace(/\.$/, ''));
      expect(rule.fullDescription!.text.length).toBeGreaterThan(20);
      expect(rule.help!.markdown).toContain(meta.docs.instead);
      expect(rule.help!.text).not.toContain('```');
      expect(rule.helpUri).toBe(ruleDocsUrl(meta.id));
      expect(rule.defaultConfiguration!.level).toBe(meta.severity === 'info' ? 'note' : meta.severity);
    }
  });

  it('has one result per finding, at the same precise region, with relative URIs under %SRCROOT%', () => {
    const run = log.runs[0]!;
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toBe(pathToFileURL(dir).href + '/');
    const results = run.results!;
    expect(results).toHaveLength(json.length);
    expect(new Set(json.map((f) => f.rule)).size).toBeGreaterThanOrEqual(4);
    results.forEach((r, i) => {
      const f = json[i]!;
      const loc = r.locations![0]!.physicalLocation!;
      expect(r.ruleId).toBe(f.rule);
      expect(run.tool.driver.rules![r.ruleIndex!]!.id).toBe(f.rule);
      expect(r.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[f.severity]);
      expect(r.message.text).toContain(f.message.replace(/\.$/, ''));
      expect(loc.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
      expect(decodeURIComponent(loc.artifactLocation!.uri!)).toBe(f.file);
      expect(loc.region).toMatchObject({
        startLine: f.line,
        startColumn: f.column,
        endLine: f.endLine,
        endColumn: f.endColumn,
      });
      expect(r.partialFingerprints!['migrationLint/v1']).toMatch(/^[0-9a-f]{32}$/);
    });
    expect(results.map((r) => r.level)).toEqual(expect.arrayContaining(['error', 'warning', 'note']));
    const parseError = results.find((r) => r.ruleId === 'parse-error')!;
    expect(parseError.locations![0]!.physicalLocation!.region).toMatchObject({ startLine: 2, startColumn: 49 });
    // the region snippet is the flagged statement's text
    const index = results.find((r) => r.ruleId === 'require-concurrent-index-creation')!;
    expect(index.locations![0]!.physicalLocation!.region!.snippet!.text).toBe(
      'CREATE UNIQUE INDEX users_email_key\n  ON users (lower(email))',
    );
    // a non-ASCII path is percent-encoded
    expect(run.artifacts!.map((a) => a.location!.uri)).toContain('db/migrations/archive/005_caf%C3%A9_names.sql');
  });

  it('lists every analysed file as an artifact', () => {
    const uris = log.runs[0]!.artifacts!.map((a) => decodeURIComponent(a.location!.uri!)).sort();
    expect(uris).toEqual(Object.keys(SAMPLE_MIGRATIONS).concat('db/migrations/archive/005_café_names.sql').sort());
  });

  it('--sarif-file writes the same log while stdout keeps the chosen format', async () => {
    const r = await cli(['--format', 'github', '--sarif-file', 'report.sarif', 'db'], dir);
    expect(r.stdout).toMatch(/^::error file=db\/migrations\/002_index_emails.sql,/m);
    const written = JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8')) as Sarif.Log;
    expect(written).toEqual(log);
  });
});
