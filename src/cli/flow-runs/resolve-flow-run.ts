import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { FlowRun } from "../../core/models.js";
import { isWeirError, WeirError } from "../../core/weir-error.js";
import { readAllPages } from "../output/read-all-pages.js";

/** How many of the newest runs a name or a short id prefix is matched against. */
const SCAN_LIMIT = 5000;

/**
 * Read a flow run by its id, by its name (`weir flow-run inspect rapid-beaver-16`), or by a
 * unique prefix of its id, among the newest runs. An unknown run is a one-line NOT_FOUND; a name
 * that several runs share, or an ambiguous prefix, is a BAD_REQUEST listing the candidates.
 */
export async function resolveFlowRun(client: OrchestrationApi, idOrName: string): Promise<FlowRun> {
  const given = idOrName.trim();
  const wanted = given.toLowerCase();
  if (!wanted) throw new WeirError("BAD_REQUEST", "a flow run id or name is required");
  if (isIdLike(wanted)) {
    try {
      return await client.readFlowRun(wanted);
    } catch (error) {
      // A full id that is not found is final; a short one may be a prefix.
      if (wanted.length >= 36 || isConnectionProblem(error)) throw notFound(given, error);
    }
  }
  const runs = await readAllPages((cursor) => client.listFlowRuns({ sort: "CREATED_DESC" }, { cursor, limit: 1000 }), SCAN_LIMIT);
  const byName = runs.filter((run) => run.name === given);
  const named = byName.length > 0 ? byName : runs.filter((run) => run.name.toLowerCase() === wanted);
  if (named.length === 1 && named[0]) return named[0];
  if (named.length > 1) throw ambiguous(`flow run name '${given}' is shared by ${named.length} runs`, named);
  const prefixed = runs.filter((run) => run.id.toLowerCase().startsWith(wanted));
  if (prefixed.length === 1 && prefixed[0]) return prefixed[0];
  if (prefixed.length > 1) throw ambiguous(`flow run id prefix '${given}' is ambiguous: it matches ${prefixed.length} runs`, prefixed);
  throw notFound(given);
}

// Ids are UUIDs: hex digits and dashes. Anything else can only be a name.
function isIdLike(value: string): boolean {
  return /^[0-9a-f-]+$/.test(value);
}

function ambiguous(head: string, runs: readonly FlowRun[]): WeirError {
  // The CLI prints errors on one line.
  const shown = runs.slice(0, 10).map((run) => `${run.id} (${run.flowName}, ${run.state.name}, created ${run.createdAt})`);
  const more = runs.length > shown.length ? `, and ${runs.length - shown.length} more` : "";
  return new WeirError("BAD_REQUEST", `${head}; give one of their ids: ${shown.join(", ")}${more}`);
}

function isNotFoundOrInvalid(error: unknown): boolean {
  return isWeirError(error) && (error.code === "NOT_FOUND" || error.code === "VALIDATION" || error.code === "BAD_REQUEST");
}

function isConnectionProblem(error: unknown): boolean {
  return isWeirError(error) && ["UNAUTHORIZED", "FORBIDDEN", "UNAVAILABLE", "TIMEOUT"].includes(error.code);
}

function notFound(idOrName: string, cause?: unknown): unknown {
  if (cause !== undefined && !isNotFoundOrInvalid(cause)) return cause;
  return WeirError.notFound("flow run", idOrName);
}
