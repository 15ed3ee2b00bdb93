/**
 * `weir flow ls|inspect`: the flows the server knows (registered by a run, a deployment or a
 * runner), each with its deployments and its last run. A flow's "last run" is its run with the
 * latest expected start that is not in the future, so scheduled runs ahead do not hide it.
 */
import type { Command } from "commander";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { Deployment, Flow, FlowRun } from "../../core/models.js";
import { cliClient } from "../cli-client.js";
import { formatFlowRunTable } from "../flow-runs/format-flow-run.js";
import { formatRelativeTime } from "../output/format-relative-time.js";
import { formatFields, formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { readAllPages } from "../output/read-all-pages.js";
import { formatState } from "../output/state-colour.js";
import { paint } from "../output/terminal-style.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";

/** How many flows' last runs are read at once (one indexed query each, so a server is not flooded). */
const LAST_RUN_READS_AT_ONCE = 8;

/** A flow as `flow ls` shows it. */
interface FlowSummary extends Flow {
  deploymentCount: number;
  lastRun: FlowRun | null;
}

async function lastRunOf(client: OrchestrationApi, flowName: string, before: string): Promise<FlowRun | null> {
  const page = await client.listFlowRuns({ flowNames: [flowName], startBefore: before }, { limit: 1 });
  return page.items[0] ?? null;
}

async function summarize(client: OrchestrationApi, flows: readonly Flow[], deployments: readonly Deployment[]): Promise<FlowSummary[]> {
  const before = new Date().toISOString();
  const deploymentCounts = new Map<string, number>();
  for (const deployment of deployments) deploymentCounts.set(deployment.flowId, (deploymentCounts.get(deployment.flowId) ?? 0) + 1);
  const summaries: FlowSummary[] = [];
  for (let start = 0; start < flows.length; start += LAST_RUN_READS_AT_ONCE) {
    const chunk = flows.slice(start, start + LAST_RUN_READS_AT_ONCE);
    const lastRuns = await Promise.all(chunk.map((flow) => lastRunOf(client, flow.name, before)));
    chunk.forEach((flow, index) => {
      summaries.push({ ...flow, deploymentCount: deploymentCounts.get(flow.id) ?? 0, lastRun: lastRuns[index] ?? null });
    });
  }
  return summaries;
}

function lastRunText(run: FlowRun | null, now: Date): string {
  return run ? `${formatState(run.state)} ${formatRelativeTime(run.startTime ?? run.expectedStartTime, now)}` : "never";
}

function parameterNames(flow: Flow): string {
  const properties = flow.parameterSchema?.properties;
  if (!properties || typeof properties !== "object") return "-";
  return Object.keys(properties).join(", ") || "-";
}

function flowDeploymentTable(deployments: readonly Deployment[]): string {
  return formatTable(
    [
      { header: "deployment", value: (d: Deployment) => d.name },
      { header: "pool/queue", value: (d) => (d.isServed ? "(served)" : `${d.workPoolName}/${d.workQueueName}`) },
      { header: "schedules", value: (d) => String(d.schedules.filter((s) => s.isActive).length), align: "right" },
      { header: "status", value: (d) => (d.isPaused ? "paused" : "active") },
    ],
    deployments,
    "(no deployments)",
  );
}

/** Register `weir flow …`. */
export function registerFlowCommand(program: Command): void {
  const flow = program.command("flow").description("list and inspect flows");

  flow
    .command("ls")
    .description("list flows with their deployment count and last run")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const client = await cliClient();
      const [flows, deployments] = await Promise.all([
        readAllPages((cursor) => client.listFlows({ cursor, limit: 1000 })),
        readAllPages((cursor) => client.listDeployments({}, { cursor, limit: 1000 })),
      ]);
      const summaries = await summarize(client, flows, deployments);
      if (options.json) return printJson(summaries);
      const now = new Date();
      printLine(
        formatTable(
          [
            { header: "name", value: (f: FlowSummary) => f.name },
            { header: "deployments", value: (f) => String(f.deploymentCount), align: "right" },
            { header: "last run", value: (f) => lastRunText(f.lastRun, now) },
            { header: "created", value: (f) => formatRelativeTime(f.createdAt, now) },
          ],
          summaries,
          "(no flows)",
        ),
      );
    });

  flow
    .command("inspect")
    .description("show a flow with its deployments, run count and recent runs")
    .argument("<name>", "flow name (or id)")
    .option("-n, --runs <n>", "how many recent runs to show", "10")
    .option("--json", "print JSON")
    .action(async (name: string, options: { runs: string; json?: boolean }) => {
      const runLimit = parsePositiveInteger(options.runs, "--runs");
      const client = await cliClient();
      const found = await client.readFlow(name);
      const [deployments, runCount, recent] = await Promise.all([
        readAllPages((cursor) => client.listDeployments({ flowNames: [found.name] }, { cursor, limit: 1000 })),
        client.countFlowRuns({ flowNames: [found.name] }),
        client.listFlowRuns({ flowNames: [found.name], startBefore: new Date().toISOString() }, { limit: Math.min(runLimit, 1000) }),
      ]);
      if (options.json) return printJson({ ...found, deployments, runCount, recentRuns: recent.items });
      const now = new Date();
      printLine(
        formatFields([
          ["name", found.name],
          ["id", found.id],
          ["version", found.version ?? "-"],
          ["description", found.description ?? "-"],
          ["tags", found.tags.join(", ") || "-"],
          ["parameters", parameterNames(found)],
          ["created", `${found.createdAt} (${formatRelativeTime(found.createdAt, now)})`],
          ["runs", String(runCount)],
          ["last run", lastRunText(recent.items[0] ?? null, now)],
        ]),
      );
      printLine();
      printLine(paint(`Deployments (${deployments.length})`, "bold"));
      printLine(flowDeploymentTable(deployments));
      printLine();
      printLine(paint(`Recent runs (${recent.items.length})`, "bold"));
      printLine(formatFlowRunTable(recent.items, now));
    });
}
