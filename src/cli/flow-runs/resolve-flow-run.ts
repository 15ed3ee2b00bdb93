import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { FlowRun } from "../../core/models.js";
import { isWeirError, WeirError } from "../../core/weir-error.js";

/** How many of the newest runs a short id prefix is matched against. */
const PREFIX_SCAN_LIMIT = 1000;

/**
 * Read a flow run by its id, or by a unique prefix of the id of one of the newest runs
 * (`weir flow-run inspect 3f2a`). Unknown or ambiguous ids give a one-line NOT_FOUND / BAD_REQUEST.
 */
export async function resolveFlowRun(client: OrchestrationApi, idOrPrefix: string): Promise<FlowRun> {
  const wanted = idOrPrefix.trim().toLowerCase();
  if (!wanted) throw new WeirError("BAD_REQUEST", "a flow run id is required");
  try {
    return await client.readFlowRun(wanted);
  } catch (error) {
    // A full id that is not found is final; a short one may be a prefix.
    if (wanted.length >= 36 || isConnectionProblem(error)) throw notFound(idOrPrefix, error);
  }
  const page = await client.listFlowRuns({ sort: "CREATED_DESC" }, { limit: PREFIX_SCAN_LIMIT });
  const matches = page.items.filter((run) => run.id.toLowerCase().startsWith(wanted));
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw new WeirError("BAD_REQUEST", `flow run id prefix '${idOrPrefix}' is ambiguous: it matches ${matches.length} runs`);
  }
  throw notFound(idOrPrefix);
}

function isNotFoundOrInvalid(error: unknown): boolean {
  return isWeirError(error) && (error.code === "NOT_FOUND" || error.code === "VALIDATION" || error.code === "BAD_REQUEST");
}

function isConnectionProblem(error: unknown): boolean {
  return isWeirError(error) && ["UNAUTHORIZED", "FORBIDDEN", "UNAVAILABLE", "TIMEOUT"].includes(error.code);
}

function notFound(idOrPrefix: string, cause?: unknown): unknown {
  if (cause !== undefined && !isNotFoundOrInvalid(cause)) return cause;
  return WeirError.notFound("flow run", idOrPrefix);
}
