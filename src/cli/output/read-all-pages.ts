import type { Page } from "../../core/api-types.js";

/**
 * Every item of a paged listing, following `nextCursor` until the end (or `maxItems`).
 * @default maxItems unlimited
 */
export async function readAllPages<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  maxItems: number = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < maxItems);
  return items.slice(0, maxItems);
}
