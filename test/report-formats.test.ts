/**
 * The output formats have two registries: REPORTER_LOADERS, which the command line uses to load only
 * the format a run prints, and the library's eager REPORTERS. They must name the same formats and
 * give the same reporter for each.
 */
import { describe, expect, it } from 'vitest';
import { REPORTERS } from '../src/report/all.js';
import { REPORT_FORMATS, REPORTER_LOADERS, ROOT_RELATIVE_FORMATS } from '../src/report/index.js';
import { REPORTERS as PUBLIC_REPORTERS } from '../src/index.js';

describe('output formats', () => {
  it('the lazy and the eager registries list the same formats, in the same order', () => {
    expect(REPORT_FORMATS).toEqual(['text', 'json', 'sarif', 'github', 'gitlab']);
    expect(Object.keys(REPORTERS)).toEqual(REPORT_FORMATS);
    expect(PUBLIC_REPORTERS).toBe(REPORTERS);
    for (const format of ROOT_RELATIVE_FORMATS) expect(REPORT_FORMATS).toContain(format);
  });

  it('each loader gives the reporter the library exports under that name', async () => {
    for (const format of REPORT_FORMATS) expect(await REPORTER_LOADERS[format]!()).toBe(REPORTERS[format]);
  });
});
