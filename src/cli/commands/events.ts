/**
 * `weir events ls [--follow]`: the stored events (run states, deployments, schedules, pools,
 * queues, workers, …), oldest of the last `--limit` first; `--follow` keeps printing new ones as
 * they are stored until Ctrl-C. Filters: `--event` (a name or a `prefix.*`, repeatable),
 * `--resource`, `--related` (flow, deployment, pool, parent run id; repeatable), `--tag`, `--since`.
 */
import type { Command } from "commander";
import type { EventResource, StoredEvent, StoredEventFilter } from "../../core/events.js";
import { followEvents } from "../../core/follow-events.js";
import { cliClient } from "../cli-client.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { collectValues } from "../parse-parameters.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";
import { UsageError } from "../usage-error.js";

interface EventsLsOptions {
  follow?: boolean;
  event?: string[];
  resource?: string;
  related?: string[];
  tag?: string[];
  since?: string;
  limit: string;
  json?: boolean;
}

const label = (resource: EventResource): string => `${resource.kind} ${resource.name ?? resource.id}`;

/** The related resources in one short cell: `deployment etl/nightly, work-pool default, tags a,b`. */
export function relatedText(related: readonly EventResource[]): string {
  const tags = related.filter((resource) => resource.kind === "tag").map((resource) => resource.id);
  const others = related.filter((resource) => resource.kind !== "tag" && resource.kind !== "work-queue").map(label);
  return [...others, ...(tags.length > 0 ? [`tags ${tags.join(",")}`] : [])].join(", ");
}

/** One event as a line (what `--follow` prints). */
export function formatEventLine(event: StoredEvent): string {
  const related = relatedText(event.related);
  return `${event.occurred}  ${event.event}  ${label(event.resource)}${related ? `  (${related})` : ""}`;
}

function filterOf(options: EventsLsOptions): StoredEventFilter {
  const filter: StoredEventFilter = {};
  if (options.event) filter.events = options.event;
  if (options.resource !== undefined) filter.resourceId = options.resource;
  if (options.related) filter.related = options.related;
  if (options.tag) filter.tags = options.tag;
  if (options.since !== undefined) {
    if (Number.isNaN(Date.parse(options.since))) throw new UsageError(`invalid --since '${options.since}': expected an ISO-8601 date-time such as 2026-01-31T12:00:00Z`);
    filter.since = new Date(options.since).toISOString();
  }
  return filter;
}

/** Register `weir events …`. */
export function registerEventsCommand(program: Command): void {
  const events = program.command("events").description("list and follow stored events (run states, deployments, pools, workers, …)");
  events
    .command("ls")
    .description("print the last events, oldest first (--follow: then keep printing new ones)")
    .option("-f, --follow", "keep printing new events as they are stored, until Ctrl-C")
    .option("-e, --event <name>", "only this event name, or a prefix such as flow-run.* (repeatable)", collectValues)
    .option("-r, --resource <id>", "only events about this resource (a flow run, deployment, worker id; a work pool name)")
    .option("--related <id>", "only events related to this flow, deployment, work pool or parent flow run (repeatable)", collectValues)
    .option("-t, --tag <tag>", "only events with this tag (repeatable)", collectValues)
    .option("--since <time>", "only events at or after this ISO-8601 time")
    .option("-l, --limit <n>", "how many of the last events to print", "20")
    .option("--json", "print JSON (one object per line with --follow)")
    .action(async (options: EventsLsOptions) => {
      const limit = parsePositiveInteger(options.limit, "--limit");
      if (limit > 1000) throw new UsageError(`invalid --limit '${options.limit}': at most 1000`);
      const filter = filterOf(options);
      const client = await cliClient();
      const page = await client.listEvents({ ...filter, limit });
      const last = [...page.events].reverse();
      if (!options.follow) {
        if (options.json) printJson(last);
        else
          printLine(
            formatTable(
              [
                { header: "OCCURRED", value: (event: StoredEvent) => event.occurred },
                { header: "EVENT", value: (event) => event.event },
                { header: "RESOURCE", value: (event) => label(event.resource), maxWidth: 60 },
                { header: "RELATED", value: (event) => relatedText(event.related), maxWidth: 80 },
              ],
              last,
              "(no events)",
            ),
          );
        return;
      }
      const print = (event: StoredEvent): void => printLine(options.json ? JSON.stringify(event) : formatEventLine(event));
      last.forEach(print);
      // Events still committing when the listing was read may come again: print each once.
      const shown = new Set(last.map((event) => event.id));
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once("SIGINT", stop);
      try {
        for await (const event of followEvents({ read: (input) => client.readEventsAfter(input), filter, after: page.followCursor, signal: controller.signal })) {
          if (shown.has(event.id)) continue;
          shown.add(event.id);
          print(event);
        }
      } finally {
        process.off("SIGINT", stop);
      }
    });
}
