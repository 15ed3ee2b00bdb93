/**
 * The live stream (`GET /api/events`, Server-Sent Events): each event invalidates the queries it
 * changes, batched per animation-friendly tick so a burst of 10,000 task-run events costs a few
 * refetches, not 10,000. Components may also listen to raw events (the log view appends lines).
 */
import type { QueryClient } from "@tanstack/react-query";
import type { WeirEvent } from "../../../src/core/models.js";
import { apiKeyStore } from "./api-key-store.js";

type Listener = (event: WeirEvent) => void;

const listeners = new Set<Listener>();

/** Listen to raw live events; returns the unsubscribe function. */
export function onLiveEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Query key prefixes each event kind makes stale. */
function staleKeys(event: WeirEvent): string[] {
  switch (event.kind) {
    case "flow-run":
      return ["flow-runs", "flow-run-count", "flow-run:" + event.flowRun.id, "states:" + event.flowRun.id, "home", "deployment-runs"];
    case "task-run":
      return ["task-runs:" + (event.taskRun.flowRunId ?? "")];
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

/** Open the stream for the app's lifetime; returns a function that closes it. */
export function startLiveEvents(queryClient: QueryClient, flushMs = 300): () => void {
  let source: EventSource | null = null;
  let isClosed = false;
  let hasOpened = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const stale = new Set<string>();

  const flush = (): void => {
    flushTimer = undefined;
    const keys = [...stale];
    stale.clear();
    for (const key of keys) void queryClient.invalidateQueries({ queryKey: [key] });
  };

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
      for (const staleKey of staleKeys(event)) stale.add(staleKey);
      if (stale.size > 0) flushTimer ??= setTimeout(flush, flushMs);
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
