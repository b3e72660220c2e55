/**
 * A big run of SQL files is parsed on worker threads by the built CLI (see src/parsers/parse-sources.ts);
 * in-process from the TypeScript sources it is parsed on one thread. Both must report exactly the
 * same findings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without types
import { generateCorpus } from '../bench/generate.mjs';
import { cli, REPO_ROOT, tempDir } from './integrations/helpers.js';

const built = existsSync(join(REPO_ROOT, 'dist', 'parsers', 'parse-worker.js'));

describe('parallel parsing', () => {
  it.runIf(built)('the built CLI on worker threads finds exactly what one thread finds', async () => {
    const dir = tempDir('ml-par-');
    // ~1,000 files, ~2.4 MB: over the size where workers start
    const corpus = (generateCorpus as (o: object) => { files: number })({ files: 1000, seed: 7, out: join(dir, 'corpus') });
    expect(corpus.files).toBe(1000);
    const chars = readdirSync(join(dir, 'corpus')).reduce((n, f) => n + statSync(join(dir, 'corpus', f)).size, 0);
    expect(chars).toBeGreaterThan(2_000_000); // PARALLEL_MIN_CHARS: the workers are used
    const child = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'migration-lint.js'), '--format', 'json', 'corpus'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(child.stderr).toBe('');
    const inProcess = await cli(['--format', 'json', 'corpus'], dir);
    const a = JSON.parse(child.stdout) as { summary: { files: number; findings: number } };
    expect(a.summary.files).toBe(1000);
    expect(a.summary.findings).toBeGreaterThan(1000);
    expect(child.stdout).toBe(inProcess.stdout);
    expect(child.status).toBe(inProcess.code);
  }, 120_000);
});
