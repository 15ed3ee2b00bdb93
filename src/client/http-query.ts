/**
 * Query strings of the REST API: lists are comma-separated (an empty value is an empty list),
 * `null` is the literal `null`,
 * undefined values are left out (docs/api.md).
 */
import type { FlowRunFilter, PageRequest } from "../core/api-types.js";

/** Values a query string may carry before encoding. */
export type QueryValues = Record<string, string | number | boolean | null | undefined | readonly string[]>;

/** Encode query values as `?a=1&b=x,y` (empty string when nothing is set). */
export function encodeQuery(values: QueryValues | undefined): string {
  if (!values) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      // An empty list is sent as an empty value: it matches nothing, unlike a missing filter.
      params.set(key, value.join(","));
      continue;
    }
    params.set(key, value === null ? "null" : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Query values of a page request. */
export function pageQuery(page: PageRequest | undefined): QueryValues {
  return { cursor: page?.cursor ?? undefined, limit: page?.limit };
}

/** Query values of a flow-run filter (singular names, comma-separated lists). */
export function flowRunFilterQuery(filter: FlowRunFilter = {}): QueryValues {
  return {
    id: filter.ids,
    stateType: filter.stateTypes,
    stateName: filter.stateNames,
    flowName: filter.flowNames,
    deploymentId: filter.deploymentIds,
    workPoolName: filter.workPoolNames,
    workQueueName: filter.workQueueNames,
    tag: filter.tags,
    parentFlowRunId: filter.parentFlowRunId,
    startAfter: filter.startAfter,
    startBefore: filter.startBefore,
    sort: filter.sort,
  };
}
