/**
 * How the runs list and its count read a tag filter where tags are indexed in `flow_run_tags`
 * (SQLite, migration 006; PostgreSQL's GIN index is left to its planner). Two ways:
 *
 * - **tag-driven**: walk one tag's rows in `flow_run_tags`, keyed `(tag, expected_start_time,
 *   flow_run_id)`, and join each to its run. Read in the list's time order, it stops after a page
 *   whatever the tag's share; a count with no other condition than the time window never leaves
 *   the tag's key range. With other conditions, every row of the tag may be read, at a join each
 *   (a few µs at 1,000,000 runs).
 * - **filtered**: walk the runs as without tags (the index the other conditions choose) and look
 *   each tag up (`hasTagInTable`, well under a µs when the walk is in time order). A common tag
 *   costs a page of lookups; a tag few runs carry costs every run the other conditions select.
 *
 * So the tag is driven when nothing else narrows the runs (and the order is the tag key's), or
 * when it has fewer than `TAG_DRIVEN_MAX_RUNS` runs, as a bounded count of its key range (a
 * fraction of a millisecond) tells. Several tags are driven by the one with the fewest runs and
 * the others looked up. The cost of either way is then bounded: at most that many joins (about
 * 5 µs each at 1,000,000 runs), or a walk where at least one run in `runs / TAG_DRIVEN_MAX_RUNS`
 * carries the tag (under a µs per run walked).
 */
import { sql } from "kysely";
import type { FlowRunFilter } from "../core/api-types.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { filterTags } from "./flow-run-filter.js";

/** Below this many runs, a tag drives the read (see the file header). */
export const TAG_DRIVEN_MAX_RUNS = 5_000;

/** The filter fields a read of `flow_run_tags` alone answers (with the sort, which filters nothing). */
const ANSWERED_BY_TAG_KEYS: ReadonlySet<string> = new Set(["tags", "startAfter", "startBefore", "sort"]);

/** How to read a filter's tags. */
export type FlowRunTagPlan =
  /** Tags (if any) are conditions on the runs walked (applyFlowRunFilter). */
  | { kind: "filtered" }
  /** Walk `tag` in `flow_run_tags`; check `otherTags` by lookup; `needsRuns`: other conditions read the run row. */
  | { kind: "tag-driven"; tag: string; otherTags: string[]; needsRuns: boolean };

/** Options of planFlowRunTags. */
export interface FlowRunTagPlanOptions {
  /** The threshold below which a tag drives the read. @default TAG_DRIVEN_MAX_RUNS */
  drivenMaxRuns?: number;
}

/** The runs of `tag`, counted up to `max` (a bounded walk of its key range). */
async function countUpTo(database: WeirDatabase, tag: string, max: number): Promise<number> {
  const { db } = database;
  const probe = db.selectFrom("flow_run_tags").select(sql.lit(1).as("one")).where("tag", "=", tag).limit(max);
  const row = await db.selectFrom(probe.as("probe")).select(sql<number>`count(*)`.as("count")).executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * The plan for `filter`'s tags: for a page in `sort` order, or for a count (`sort` null).
 * Validates the tags; the other fields are validated where the query is built.
 */
export async function planFlowRunTags(
  database: WeirDatabase,
  filter: FlowRunFilter | undefined,
  sort: string | null,
  options: FlowRunTagPlanOptions = {},
): Promise<FlowRunTagPlan> {
  const tags = filterTags(filter);
  if (!filter || tags.length === 0 || database.capabilities.supportsJsonContainmentIndex || filter.ids !== undefined) return { kind: "filtered" };
  const needsRuns = Object.entries(filter).some(([field, value]) => value !== undefined && !ANSWERED_BY_TAG_KEYS.has(field));
  const isInTagOrder = sort !== "CREATED_DESC";
  const drive = (tag: string): FlowRunTagPlan => ({ kind: "tag-driven", tag, otherTags: tags.filter((other) => other !== tag), needsRuns });
  const [first] = tags;
  if (first !== undefined && tags.length === 1 && !needsRuns && isInTagOrder) return drive(first);
  const max = options.drivenMaxRuns ?? TAG_DRIVEN_MAX_RUNS;
  const isDrivenAnyway = !needsRuns && isInTagOrder;
  // Where the read is tag-driven whatever the counts, the bound grows until one tag is under it:
  // driving a common tag where a rarer one is asked too would read all its rows.
  for (let bound = Math.max(max, 1); ; bound *= 8) {
    let rarest = { tag: first ?? "", runs: Infinity };
    for (const tag of tags) {
      const runs = await countUpTo(database, tag, bound);
      if (runs < rarest.runs) rarest = { tag, runs };
    }
    if (rarest.runs < max) return drive(rarest.tag);
    if (!isDrivenAnyway) return { kind: "filtered" };
    if (rarest.runs < bound) return drive(rarest.tag);
  }
}
