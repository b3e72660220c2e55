/**
 * A big run of SQL files is parsed on worker threads by the built CLI (see src/parsers/parse-sources.ts);
 * in-process from the TypeScript sources it is parsed on one thread. Both must report exactly the
 * same findings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without types
import { generateCorpus } from '../bench/generate.mjs';
import { cli, REPO_ROOT, tempDir } from './integrations/helpers.js';

const built = existsSync(join(REPO_ROOT, 'dist', 'parsers', 'parse-worker.js'));

describe('parallel parsing', () => {
  it.runIf(built)(
    'the built CLI on worker threads finds exactly what one thread finds',
    async () => {
      const dir = tempDir('ml-par-');
      const corpus = (generateCorpus as (o: object) => { files: number })({
        files: 1000,
        seed: 7,
        out: join(dir, 'corpus'),
      });
      expect(corpus.files).toBe(1000);
      const bin = join(REPO_ROOT, 'bin', 'migration-lint.js');
      // two workers whatever the machine's load (by default only idle cores get one)
      const env = { ...process.env, MIGRATION_LINT_WORKERS: '2' };
      const child = spawnSync(process.execPath, [bin, '--format', 'json', 'corpus'], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        env,
      });
      expect(child.stderr).toBe('');
      const inProcess = await cli(['--format', 'json', 'corpus'], dir);
      const a = JSON.parse(child.stdout) as { summary: { files: number; findings: number } };
      expect(a.summary.files).toBe(1000);
      expect(a.summary.findings).toBeGreaterThan(1000);
      expect(child.stdout).toBe(inProcess.stdout);
      expect(child.status).toBe(inProcess.code);
      // and the built CLI without workers
      const single = spawnSync(process.execPath, [bin, '--format', 'json', 'corpus'], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        env: { ...env, MIGRATION_LINT_WORKERS: '0' },
      });
      expect(single.stdout).toBe(child.stdout);
    },
    120_000,
  );
});
