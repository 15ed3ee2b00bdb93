/**
 * Flow runs: filters kept in the URL (state, flow, deployment, tag, time range), a virtualized
 * list paged by cursor (the next page loads when the list nears its end), bulk cancel and retry.
 */
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import type { Page } from "../../../src/core/api-types.js";
import type { FlowRun } from "../../../src/core/models.js";
import { STATE_TYPES, type StateType } from "../../../src/core/states.js";
import { api } from "../api/api-client.js";
import { useDeployments, useFlows, useWorkers, useWorkPools, useWorkQueues } from "../api/queries.js";
import { EmptyState } from "../components/empty-state.js";
import { ErrorNote } from "../components/error-note.js";
import { StateBadge } from "../components/state-badge.js";
import { formatDuration, formatTime, runDurationMs } from "../lib/format.js";
import { lateReason } from "../lib/late-reason.js";

const PAGE_SIZE = 100;
const ROW_HEIGHT = 40;

/** The run filters as read from the URL. */
function useRunFilters() {
  const [params, setParams] = useSearchParams();
  const filters = {
    state: params.get("state") ?? "",
    flow: params.get("flow") ?? "",
    deployment: params.get("deployment") ?? "",
    tag: params.get("tag") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
  };
  const setFilter = (key: keyof typeof filters, value: string): void => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return { filters, setFilter };
}

function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The runs page. */
export function FlowRunsPage() {
  const { filters, setFilter } = useRunFilters();
  const queryClient = useQueryClient();
  const query = {
    stateType: filters.state ? filters.state.split(",") : undefined,
    flowName: filters.flow || undefined,
    deploymentId: filters.deployment || undefined,
    tag: filters.tag || undefined,
    startAfter: toIso(filters.from),
    startBefore: toIso(filters.to),
  };
  const runs = useInfiniteQuery({
    queryKey: ["flow-runs", "list", query],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => api<Page<FlowRun>>("/flow-runs", { query: { ...query, cursor: pageParam, limit: PAGE_SIZE }, signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
  // The first rows come first: the count and the filter choices load once they are on screen.
  const isListed = runs.isFetched;
  const count = useQuery({
    queryKey: ["flow-run-count", query],
    queryFn: ({ signal }) => api<{ count: number }>("/flow-runs/count", { query, signal }).then((r) => r.count),
    enabled: isListed,
  });
  const flows = useFlows(isListed);
  const deployments = useDeployments(isListed);
  const pools = useWorkPools();
  const queues = useWorkQueues();
  const workers = useWorkers();
  const whyLate = (run: FlowRun): string | undefined =>
    (run.stateName === "Late" || run.stateName === "AwaitingConcurrencySlot") && pools.data && queues.data && workers.data
      ? lateReason(run, { pools: pools.data, queues: queues.data, workers: workers.data })
      : undefined;
  const items = useMemo(() => runs.data?.pages.flatMap((p) => p.items) ?? [], [runs.data]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [actionError, setActionError] = useState<unknown>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems[virtualItems.length - 1]?.index ?? 0;
  useEffect(() => {
    if (lastIndex >= items.length - 20 && runs.hasNextPage && !runs.isFetchingNextPage) void runs.fetchNextPage();
  }, [lastIndex, items.length, runs]);

  useEffect(() => {
    // A user-timing mark for bench/ui-first-rows.ts (navigation start → first rows painted).
    if (items.length > 0 && performance.getEntriesByName("weir:first-rows").length === 0) {
      requestAnimationFrame(() => performance.mark("weir:first-rows"));
    }
  }, [items.length]);

  const bulk = async (action: "cancel" | "retry"): Promise<void> => {
    setActionError(null);
    const ids = [...selected];
    const results = await Promise.allSettled(ids.map((id) => api(`/flow-runs/${id}/${action}`, { method: "POST", body: {} })));
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length > 0) setActionError(new Error(`${failed.length} of ${ids.length} runs could not ${action}: ${String((failed[0] as PromiseRejectedResult).reason?.message)}`));
    setSelected(new Set());
    await queryClient.invalidateQueries({ queryKey: ["flow-runs"] });
  };
  const toggleState = (type: StateType): void => {
    const current = new Set(filters.state ? filters.state.split(",") : []);
    if (current.has(type)) current.delete(type);
    else current.add(type);
    setFilter("state", [...current].join(","));
  };
  const activeStates = new Set(filters.state.split(","));
  return (
    <section className="page">
      <header className="page-header">
        <h2>Flow runs</h2>
        <span className="muted" data-testid="run-count">{count.data === undefined ? "" : `${count.data.toLocaleString()} runs`}</span>
      </header>
      <div className="filters">
        <div className="state-filter">
          {STATE_TYPES.map((type) => (
            <button key={type} type="button" className={activeStates.has(type) ? "chip active" : "chip"} onClick={() => toggleState(type)}>
              {type.toLowerCase()}
            </button>
          ))}
        </div>
        <label>Flow <select value={filters.flow} onChange={(e) => setFilter("flow", e.target.value)} aria-label="Flow">
          <option value="">all</option>
          {flows.data?.map((f) => <option key={f.id} value={f.name}>{f.name}</option>)}
        </select></label>
        <label>Deployment <select value={filters.deployment} onChange={(e) => setFilter("deployment", e.target.value)} aria-label="Deployment">
          <option value="">all</option>
          {deployments.data?.map((d) => <option key={d.id} value={d.id}>{d.flowName}/{d.name}</option>)}
        </select></label>
        <label>Tag <input defaultValue={filters.tag} onBlur={(e) => setFilter("tag", e.target.value.trim())} onKeyDown={(e) => e.key === "Enter" && setFilter("tag", e.currentTarget.value.trim())} placeholder="tag" /></label>
        <label>From <input type="datetime-local" value={filters.from} onChange={(e) => setFilter("from", e.target.value)} /></label>
        <label>To <input type="datetime-local" value={filters.to} onChange={(e) => setFilter("to", e.target.value)} /></label>
      </div>
      <div className="bulk-bar">
        <span>{selected.size} selected</span>
        <button type="button" disabled={selected.size === 0} onClick={() => void bulk("cancel")}>Cancel selected</button>
        <button type="button" disabled={selected.size === 0} onClick={() => void bulk("retry")}>Retry selected</button>
      </div>
      <ErrorNote error={runs.error ?? actionError} />
      {runs.isSuccess && items.length === 0 ? (
        <EmptyState title="No flow runs match" command="weir run path/to/flow.ts:myFlow">
          Run a flow from code or a deployment, or clear the filters.
        </EmptyState>
      ) : (
        <div className="run-list" ref={scrollRef} data-testid="run-list">
          <div className="run-row run-head">
            <span /><span>Run</span><span>Flow</span><span>State</span><span>Expected start</span><span>Duration</span><span>Tags</span>
          </div>
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {virtualItems.map((row) => {
              const run = items[row.index];
              if (!run) return null;
              return (
                <div key={run.id} className="run-row" data-testid="run-row" style={{ position: "absolute", top: 0, transform: `translateY(${row.start}px)`, height: ROW_HEIGHT, width: "100%" }}>
                  <input type="checkbox" aria-label={`select ${run.name}`} checked={selected.has(run.id)} onChange={() => {
                    const next = new Set(selected);
                    if (next.has(run.id)) next.delete(run.id);
                    else next.add(run.id);
                    setSelected(next);
                  }} />
                  <Link to={`/runs/${run.id}`}>{run.name}</Link>
                  <span>{run.flowName}{run.deploymentName ? ` / ${run.deploymentName}` : ""}</span>
                  <span title={whyLate(run)} data-testid={whyLate(run) ? "late-row" : undefined}><StateBadge type={run.stateType} name={run.stateName} />{whyLate(run) ? " ⓘ" : ""}</span>
                  <span>{formatTime(run.expectedStartTime)}</span>
                  <span>{formatDuration(runDurationMs(run))}</span>
                  <span className="tags">{run.tags.join(", ")}</span>
                </div>
              );
            })}
          </div>
          {runs.isFetchingNextPage ? <div className="muted">Loading more…</div> : null}
        </div>
      )}
    </section>
  );
}
