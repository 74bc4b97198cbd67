// Filters given as key/value pairs (ListAssociations, DescribeSessions, ...): those with the same key
// are alternatives (any may match), different keys must all match.

/** One test per filter, combined: OR within a key, AND across keys. No filter matches everything. */
export function byKeyFilters<T, F extends { key?: string }>(
  filters: F[] | undefined,
  testOf: (filter: F) => (item: T) => boolean,
): (item: T) => boolean {
  const byKey = new Map<string, Array<(item: T) => boolean>>();
  for (const filter of filters ?? []) {
    const tests = byKey.get(filter.key ?? '') ?? [];
    tests.push(testOf(filter));
    byKey.set(filter.key ?? '', tests);
  }
  const groups = [...byKey.values()];
  return (item) => groups.every((tests) => tests.some((test) => test(item)));
}
