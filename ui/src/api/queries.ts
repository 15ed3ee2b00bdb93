/** Shared TanStack Query hooks over the REST API (keys match what the live stream invalidates). */
import { useQuery } from "@tanstack/react-query";
import type { Page } from "../../../src/core/api-types.js";
import type { Deployment, Flow, Worker, WorkPool, WorkQueue } from "../../../src/core/models.js";
import { api } from "./api-client.js";

/** All work pools. */
export function useWorkPools() {
  return useQuery({ queryKey: ["work-pools"], queryFn: ({ signal }) => api<{ items: WorkPool[] }>("/work-pools", { signal }).then((r) => r.items) });
}

/** All work queues of all pools. */
export function useWorkQueues() {
  return useQuery({ queryKey: ["work-queues"], queryFn: ({ signal }) => api<{ items: WorkQueue[] }>("/work-queues", { signal }).then((r) => r.items) });
}

/** All workers. */
export function useWorkers() {
  return useQuery({
    queryKey: ["workers"],
    queryFn: ({ signal }) => api<{ items: Worker[] }>("/workers", { signal }).then((r) => r.items),
    refetchInterval: 15_000,
  });
}

/** The first 1000 flows (`isEnabled` false defers the request). */
export function useFlows(isEnabled = true) {
  return useQuery({
    queryKey: ["flows"],
    queryFn: ({ signal }) => api<Page<Flow>>("/flows", { query: { limit: 1000 }, signal }).then((r) => r.items),
    enabled: isEnabled,
  });
}

/** The first 1000 deployments (`isEnabled` false defers the request). */
export function useDeployments(isEnabled = true) {
  return useQuery({
    enabled: isEnabled,
    queryKey: ["deployments"],
    queryFn: ({ signal }) => api<Page<Deployment>>("/deployments", { query: { limit: 1000 }, signal }).then((r) => r.items),
  });
}
