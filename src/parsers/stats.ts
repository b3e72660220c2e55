/** How the parse cache served a run. */
export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries that existed but were not trusted (corrupt, another version, another key). */
  rejected: number;
}
