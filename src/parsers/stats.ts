/** How the parse cache served a run. */
export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries that existed but were not trusted (corrupt, another version, another key). */
  rejected: number;
  /**
   * How the stored report (src/cache/lint-results.ts) served the run: reused (nothing parsed or linted),
   * missing (none for these inputs and options), rejected (corrupt or foreign, not trusted); absent when
   * the run could not use one (--since, an unreadable file, --fix).
   */
  report?: 'reused' | 'missing' | 'rejected';
}
