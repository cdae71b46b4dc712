// The distinct values of a list in first-seen order: the rows and columns of a table, as results give them.

export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
