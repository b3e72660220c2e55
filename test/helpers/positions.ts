/**
 * IR without source positions (of ops, their statements, columns and constraints), for comparing the
 * IR read from two different texts of the same operations.
 */
export function withoutPositions<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => (key === 'span' || key === 'statementSpan' ? undefined : v)),
  ) as T;
}
