/** JSON text of a value with object keys sorted, so equal values give equal text (cache keys). */
export function stableJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) => {
      if (item === null || typeof item !== "object" || Array.isArray(item) || item instanceof Date) return item;
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }) ?? "undefined"
  );
}
