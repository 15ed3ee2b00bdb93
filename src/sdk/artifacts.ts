/** Artifacts: markdown, tables, links and progress records attached to the current run. */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { Artifact, ArtifactType } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import { getClient } from "./client-provider.js";
import { runScopeStorage, currentFlowScope } from "./run-scope.js";

/** Options common to every artifact. */
export interface ArtifactOptions {
  /** A stable key; artifacts with the same key form a history. @default null */
  key?: string;
  /** @default null */
  description?: string;
}

async function create(type: ArtifactType, data: unknown, options: ArtifactOptions): Promise<Artifact> {
  const scope = runScopeStorage.getStore();
  const flow = currentFlowScope(scope);
  const client: OrchestrationApi = scope?.client ?? (await getClient());
  return client.createArtifact({
    type,
    data,
    key: options.key ?? null,
    description: options.description ?? null,
    flowRunId: flow?.flowRunId ?? null,
    taskRunId: scope?.kind === "task" ? scope.taskRunId : null,
  });
}

/** Attach a markdown document to the current run; resolves with the artifact's id. */
export async function createMarkdownArtifact(markdown: string, options: ArtifactOptions = {}): Promise<string> {
  if (typeof markdown !== "string") throw WeirError.validation("markdown artifact", [{ path: "markdown", message: "must be a string" }]);
  return (await create("markdown", markdown, options)).id;
}

/** Attach a table (a list of row objects, or `{ columns, rows }`) to the current run; resolves with its id. */
export async function createTableArtifact(
  table: Array<Record<string, unknown>> | { columns: string[]; rows: unknown[][] },
  options: ArtifactOptions = {},
): Promise<string> {
  const isRows = Array.isArray(table) && table.every((row) => typeof row === "object" && row !== null && !Array.isArray(row));
  const isColumns = !Array.isArray(table) && typeof table === "object" && table !== null && Array.isArray(table.columns) && Array.isArray(table.rows);
  if (!isRows && !isColumns) throw WeirError.validation("table artifact", [{ path: "table", message: "must be a list of row objects or { columns, rows }" }]);
  return (await create("table", table, options)).id;
}

/** Attach a link to the current run; resolves with its id. */
export async function createLinkArtifact(url: string, options: ArtifactOptions & { text?: string } = {}): Promise<string> {
  if (typeof url !== "string" || !URL.canParse(url)) throw WeirError.validation("link artifact", [{ path: "url", message: "must be an absolute URL" }]);
  return (await create("link", { url, text: options.text ?? url }, options)).id;
}

/** Attach a progress bar (0–100) to the current run; resolves with its id for `updateProgressArtifact`. */
export async function createProgressArtifact(progress: number, options: ArtifactOptions = {}): Promise<string> {
  return (await create("progress", checkProgress(progress), options)).id;
}

/** Move a progress artifact to a new value (0–100). */
export async function updateProgressArtifact(artifactId: string, progress: number): Promise<void> {
  const scope = runScopeStorage.getStore();
  const client = scope?.client ?? (await getClient());
  await client.updateArtifact(artifactId, { data: checkProgress(progress) });
}

function checkProgress(progress: number): number {
  if (typeof progress !== "number" || !Number.isFinite(progress) || progress < 0 || progress > 100) {
    throw WeirError.validation("progress artifact", [{ path: "progress", message: "must be a number from 0 to 100" }]);
  }
  return progress;
}
