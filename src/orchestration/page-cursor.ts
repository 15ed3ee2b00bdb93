/**
 * Keyset pagination: a page request becomes a limit and an optional position (the sort key and
 * id of the last item of the previous page), carried in an opaque base64url cursor.
 */
import type { PageRequest } from "../core/api-types.js";
import { invalid } from "./input-checks.js";

/** Default page size. */
export const DEFAULT_PAGE_LIMIT = 50;
/** Largest page size. */
export const MAX_PAGE_LIMIT = 1000;

/** Where the previous page ended. */
export interface PagePosition {
  key: string | number;
  id: string;
  /** The sort the cursor belongs to (a cursor of another sort is refused). */
  sort: string;
}

/** A compiled page request. */
export interface CompiledPage {
  limit: number;
  after: PagePosition | null;
}

/** Validate a page request and decode its cursor. */
export function compilePageRequest(page: PageRequest | undefined, sort: string): CompiledPage {
  const limit = page?.limit ?? DEFAULT_PAGE_LIMIT;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    invalid("limit", `must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  if (page?.cursor === undefined || page.cursor === null || page.cursor === "") return { limit, after: null };
  let after: PagePosition;
  try {
    after = JSON.parse(Buffer.from(page.cursor, "base64url").toString("utf8")) as PagePosition;
  } catch {
    invalid("cursor", "is not a cursor returned by this API");
  }
  if (typeof after !== "object" || after === null || typeof after.id !== "string" || after.sort !== sort) {
    invalid("cursor", "is not a cursor of this listing and sort");
  }
  return { limit, after };
}

/** The cursor after `item`. */
export function encodePageCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

/** Cut a fetched list of `limit + 1` rows into a page with its next cursor. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, positionOf: (row: R) => PagePosition): { items: T[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: hasMore && last !== undefined ? encodePageCursor(positionOf(last)) : null };
}
