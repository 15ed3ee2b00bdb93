/**
 * A worker's warm spares: run children started ahead of need (`flow-run execute --wait`), which
 * have already loaded Node, the client, the SDK and the TypeScript loader and wait on stdin. A
 * claimed run is handed to a ready spare as one JSON line (`{flowRunId, cwd, env, …}`) and a
 * replacement is started. Every run still gets a process of its own; it just does not wait for
 * that process to boot (DESIGN §8: fresh child process, p50 ≤ 300 ms). Two spares (the default)
 * cover back-to-back runs, whose replacement is still booting when the next one comes.
 *
 * Booting a spare costs about half a second of CPU on two threads (Node, the SDK, and the thread
 * of the TypeScript loader), which a run on a small machine would share its cores with: ten
 * fibo(33) tasks took ~180 ms longer than their compute. So a spare taken while another still
 * waits is replaced once its run's process exits (at the latest after `REPLACE_AFTER_MS`); the
 * last one taken is replaced at once.
 *
 * A run whose environment changes what Node reads only at start-up (`NODE_*`, `UV_*`, such as
 * NODE_OPTIONS in a deployment's job variables) gets a cold process instead. Spares that die
 * before use are replaced, up to a few times in a row; then the worker starts cold processes only
 * (and says so through `onError`).
 */
import type { ChildProcess } from "node:child_process";
import type { FlowRunProcessRequest, SpawnFlowRun } from "./flow-run-process.js";

/** Spares that may die unused in a row before the worker stops starting them. */
const MAX_EARLY_DEATHS = 3;
/** How long the replacement of a spare taken while another still waits may wait for its run to end. */
const REPLACE_AFTER_MS = 5000;
/** Variables Node reads only when it starts: a run that changes them needs a new process. */
export const START_UP_ONLY_VARIABLE = /^(NODE_|UV_)/;

/** The spare processes of a worker (see file header). */
export interface WarmSpares {
  /** Hand `request` to the oldest waiting spare and start another; null when none can take it. */
  take(request: FlowRunProcessRequest): ChildProcess | null;
  /** Kill the waiting spares and start no more. */
  close(): void;
}

/** Keep `count` spares started with `base` (the cwd and environment every run shares). */
export function startWarmSpares(
  spawnProcess: SpawnFlowRun,
  count: number,
  base: Omit<FlowRunProcessRequest, "flowRunId">,
  onError: (error: unknown) => void,
): WarmSpares {
  const waiting: ChildProcess[] = [];
  let earlyDeaths = 0;
  let isClosed = false;
  const isAlive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

  const startOne = (): void => {
    if (isClosed || earlyDeaths >= MAX_EARLY_DEATHS || waiting.length >= count) return;
    let child: ChildProcess;
    try {
      child = spawnProcess({ flowRunId: null, ...base });
    } catch (error) {
      earlyDeaths = MAX_EARLY_DEATHS;
      onError(error);
      return;
    }
    waiting.push(child);
    child.once("error", () => undefined);
    // A spare that dies as its request is written (EPIPE) must not take the worker down with it.
    child.stdin?.on("error", () => undefined);
    child.once("exit", (code, signal) => {
      const index = waiting.indexOf(child);
      if (index < 0 || isClosed) return;
      waiting.splice(index, 1);
      earlyDeaths += 1;
      if (earlyDeaths >= MAX_EARLY_DEATHS) onError(new Error(`warm spare run processes keep exiting before use (last: code ${code}, signal ${signal}); starting a process per run instead`));
      startOne();
    });
  };

  const fits = (request: FlowRunProcessRequest): boolean => {
    const keys = new Set([...Object.keys(request.env), ...Object.keys(base.env)]);
    for (const key of keys) if (START_UP_ONLY_VARIABLE.test(key) && request.env[key] !== base.env[key]) return false;
    return true;
  };

  // See the file header: replaced at once when none is left waiting, else once its run ends.
  const replace = (taken: ChildProcess): void => {
    if (waiting.length === 0) {
      setImmediate(startOne);
      return;
    }
    const timer = setTimeout(replaceNow, REPLACE_AFTER_MS);
    timer.unref();
    function replaceNow(): void {
      clearTimeout(timer);
      taken.off("exit", replaceNow);
      startOne();
    }
    taken.once("exit", replaceNow);
  };

  for (let i = 0; i < count; i++) startOne();
  return {
    take(request) {
      if (request.flowRunId === null || !fits(request)) return null;
      const index = waiting.findIndex((child) => isAlive(child) && child.stdin !== null);
      if (index < 0) return null;
      const [child] = waiting.splice(index, 1) as [ChildProcess];
      earlyDeaths = 0;
      child.stdin?.end(`${JSON.stringify(request)}\n`);
      replace(child);
      return child;
    },
    close() {
      isClosed = true;
      for (const child of waiting.splice(0)) if (isAlive(child)) child.kill("SIGKILL");
    },
  };
}
