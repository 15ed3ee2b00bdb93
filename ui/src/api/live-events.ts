/**
 * The live stream (`GET /api/events`, Server-Sent Events). Changed records are merged straight
 * into cached queries (a run's page, the rows of loaded run lists, a run's task runs), and the
 * queries that need a refetch (counts, charts, lists that may gain rows) are invalidated at most
 * once per key and interval, so a burst of 10,000 task-run events costs a few refetches, not
 * 10,000. Components may also listen to raw events (the log view appends lines).
 */
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type { Page } from "../../../src/core/api-types.js";
import type { FlowRun, TaskRun, WeirEvent } from "../../../src/core/models.js";
import { apiKeyStore } from "./api-key-store.js";

type Listener = (event: WeirEvent) => void;

const listeners = new Set<Listener>();

/** Listen to raw live events; returns the unsubscribe function. */
export function onLiveEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Least time between two refetches of one key prefix, in ms (others: the flush interval). */
const MIN_INTERVAL_MS: Readonly<Record<string, number>> = Object.freeze({ home: 5_000, "flow-run-count": 2_000, "flow-runs": 3_000 });

/** Query key prefixes each event kind makes stale. */
function staleKeys(event: WeirEvent): string[] {
  switch (event.kind) {
    case "flow-run":
      return ["flow-runs", "flow-run-count", "states:" + event.flowRun.id, "home", "deployment-runs"];
    case "task-run":
      return [];
    case "logs":
      return [];
    case "artifact":
      return ["artifacts"];
    case "deployment":
      return ["deployments", "deployment:" + event.deployment.id];
    case "worker":
      return ["workers", "home"];
  }
}

function mergeFlowRuns(queryClient: QueryClient, runs: Map<string, FlowRun>): void {
  for (const run of runs.values()) queryClient.setQueryData(["flow-run:" + run.id], run);
  queryClient.setQueriesData<InfiniteData<Page<FlowRun>>>({ queryKey: ["flow-runs", "list"] }, (data) =>
    data ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((item) => runs.get(item.id) ?? item) })) } : data,
  );
}

// The run page holds task runs page by page (InfiniteData): changed ones are replaced where they
// are; new ones are appended only once every page is loaded (else a later page brings them).
function mergeTaskRuns(queryClient: QueryClient, byFlowRun: Map<string, Map<string, TaskRun>>): void {
  for (const [flowRunId, changed] of byFlowRun) {
    queryClient.setQueryData<InfiniteData<Page<TaskRun>>>(["task-runs:" + flowRunId], (old) => {
      if (!old) return old;
      const pages = old.pages.map((page) => ({
        ...page,
        items: page.items.map((taskRun) => {
          const update = changed.get(taskRun.id);
          if (update) changed.delete(taskRun.id);
          return update ?? taskRun;
        }),
      }));
      const last = pages[pages.length - 1];
      if (last && last.nextCursor === null && changed.size > 0) pages[pages.length - 1] = { ...last, items: [...last.items, ...changed.values()] };
      return { ...old, pages };
    });
  }
}

/** Open the stream for the app's lifetime; returns a function that closes it. */
export function startLiveEvents(queryClient: QueryClient, flushMs = 300): () => void {
  let source: EventSource | null = null;
  let isClosed = false;
  let hasOpened = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const stale = new Set<string>();
  const lastRefetch = new Map<string, number>();
  const flowRuns = new Map<string, FlowRun>();
  const taskRuns = new Map<string, Map<string, TaskRun>>();

  const schedule = (): void => {
    flushTimer ??= setTimeout(flush, flushMs);
  };
  function flush(): void {
    flushTimer = undefined;
    if (flowRuns.size > 0) mergeFlowRuns(queryClient, flowRuns);
    if (taskRuns.size > 0) mergeTaskRuns(queryClient, taskRuns);
    flowRuns.clear();
    taskRuns.clear();
    const now = Date.now();
    for (const key of [...stale]) {
      if (now - (lastRefetch.get(key) ?? 0) < (MIN_INTERVAL_MS[key] ?? 0)) continue;
      stale.delete(key);
      lastRefetch.set(key, now);
      void queryClient.invalidateQueries({ queryKey: [key] });
    }
    // Keys held back by their interval are retried on a later flush.
    if (stale.size > 0) schedule();
  }

  const open = (): void => {
    const key = apiKeyStore.get();
    source = new EventSource(key ? `/api/events?apiKey=${encodeURIComponent(key)}` : "/api/events");
    source.onmessage = (message: MessageEvent<string>) => {
      let event: WeirEvent;
      try {
        event = JSON.parse(message.data) as WeirEvent;
      } catch {
        return;
      }
      for (const listener of listeners) listener(event);
      if (event.kind === "flow-run") flowRuns.set(event.flowRun.id, event.flowRun);
      if (event.kind === "task-run" && event.taskRun.flowRunId) {
        const forRun = taskRuns.get(event.taskRun.flowRunId) ?? new Map<string, TaskRun>();
        forRun.set(event.taskRun.id, event.taskRun);
        taskRuns.set(event.taskRun.flowRunId, forRun);
      }
      for (const staleKey of staleKeys(event)) stale.add(staleKey);
      if (event.kind !== "logs") schedule();
    };
    source.onerror = () => {
      // EventSource retries by itself unless the server refused (e.g. 401): then reopen later with the current key.
      if (source?.readyState === EventSource.CLOSED && !isClosed) {
        retryTimer = setTimeout(open, 3000);
      }
    };
    source.onopen = () => {
      // Anything may have changed while disconnected (not needed on the first open).
      if (hasOpened) void queryClient.invalidateQueries();
      hasOpened = true;
    };
  };
  open();
  return () => {
    isClosed = true;
    clearTimeout(retryTimer);
    clearTimeout(flushTimer);
    source?.close();
  };
}
