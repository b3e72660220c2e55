import type { Direction } from '../ir/types.js';
import type { Severity } from '../rules/types.js';

export type { Severity };

/** One reported problem. Lines and columns are 1-based. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** How to fix it (the safe alternative). */
  help?: string;
  /** The Postgres lock the statement takes and what it blocks, when that is the danger. */
  lock?: string;
  direction: Direction;
  revision?: string;
  /** The other half of a pair (the ADD of a drop+add, the other heads): where it is and what it is. */
  related?: RelatedLocation[];
}

/** A place a finding points to besides its own: 1-based, like the finding's. */
export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}
