/** One problem a seed check reports, at its path within the seed section (zod's custom issue shape). */
export type Issue = { path: (string | number)[]; message: string };

/**
 * Reports each item whose key an earlier item already had (`report(index, key)`), in order; an
 * item whose key is undefined is not compared.
 */
export function duplicates<T>(items: readonly T[], key: (item: T) => string | undefined, report: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const value = key(item);
    if (value === undefined) return;
    if (seen.has(value)) report(index, value);
    seen.add(value);
  });
}
