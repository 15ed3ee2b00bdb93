/**
 * A worker's pool of long-lived run processes (execution mode `pooled`): each is a
 * `bin/weir.js flow-run execute --pool` child that executes the runs it is handed one after
 * another (src/cli/flow-runs/pooled-run-child.ts), so a run pays neither for starting Node nor for
 * loading modules and connecting. One run at a time per process: the worker's limit bounds how many
 * are busy.
 *
 * Process life: started (ahead, `prestart` of them, or when a run finds none idle) → ready → busy
 * with one run → idle → … → retired. It is retired (asked to exit once idle) after
 * `maxRunsPerProcess` runs, when its resident memory passed `maxProcessMemoryMb` after a run, when
 * a run's entrypoint file changed since the process loaded it (module caches cannot forget a
 * module: the next run of that file takes a process that never loaded it), after SIGTERM (a
 * cancelled run), and when the pool closes. A process that dies while busy ends its run's handle
 * with its exit (the worker marks the run Crashed); the pool starts another to keep `prestart`.
 * Each run's handle is a FlowRunProcess, as a process per run gives: its `exited` resolves when
 * the run is done (code 0 when it Completed) or its process died.
 *
 * Output: stderr lines go to the logs of the process's current run (the last one once idle), like
 * a process per run; stdout only to the worker's echo unless `forwardStdout`. The SDK's log
 * records come over the IPC channel (`logs`): the worker writes the lines and records of all its
 * processes in one batch every 200 ms (log-batcher.ts), instead of a request per run and process.
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { createLogBatcher } from "./log-batcher.js";
import type { LogLevel } from "../core/models.js";
import { WEIR_BIN, signalGroup, type FlowRunProcess, type FlowRunProcessRequest, type ProcessExit } from "./flow-run-process.js";
import { isFromPooledProcess, type FromPooledProcess, type PooledRunRequest, type ToPooledProcess } from "./pool-messages.js";
import { START_UP_ONLY_VARIABLE } from "./warm-spare.js";

/** Starts a pooled process with the worker's base cwd and environment (injected in tests). */
export type SpawnPooledProcess = (base: { cwd: string; env: Record<string, string> }) => ChildProcess;

/** The default: `node bin/weir.js flow-run execute --pool`, with an IPC channel, in a group of its own. */
export const spawnPooledProcess: SpawnPooledProcess = (base) =>
  spawn(process.execPath, [WEIR_BIN, "flow-run", "execute", "--pool"], { cwd: base.cwd, env: base.env, stdio: ["ignore", "pipe", "pipe", "ipc"], detached: true });

/** Settings of a run process pool. */
export interface RunProcessPoolOptions {
  client: OrchestrationApi;
  /** The cwd and environment every run shares (NODE_* and UV_* apply at start-up only). */
  base: { cwd: string; env: Record<string, string> };
  /** Processes kept started and idle ahead of runs. */
  prestart: number;
  maxRunsPerProcess: number;
  maxProcessMemoryMb: number;
  echo: NodeJS.WritableStream | null;
  forwardStdout: boolean;
  spawn?: SpawnPooledProcess;
  onError: (error: unknown) => void;
}

/** A worker's pooled processes (see file header). */
export interface RunProcessPool {
  /** Hand `request` to an idle process (starting one if none); null when it needs a process of its own. */
  take(request: FlowRunProcessRequest): FlowRunProcess | null;
  /** Processes alive now (busy, idle or starting). */
  size(): number;
  /** Processes started since the pool opened. */
  startedCount(): number;
  /** Retire every process (busy ones after their run) and start no more; resolves once all exited. */
  close(): Promise<void>;
}

interface RunSlot {
  request: PooledRunRequest;
  resolveExit: (exit: ProcessExit) => void;
  isDone: boolean;
  killTimer: NodeJS.Timeout | null;
}

interface PooledProcess {
  child: ChildProcess;
  isReady: boolean;
  isRetiring: boolean;
  hasExited: boolean;
  runsDone: number;
  current: RunSlot | null;
  /** The flow run whose logs get this process's lines (the current one, else the last). */
  logRunId: string | null;
  /** Entrypoint file → the key (mtime, size) it had when this process loaded it. */
  loaded: Map<string, string>;
  exited: Promise<void>;
}

/** Processes that may die before becoming ready, in a row, before the pool stops prestarting. */
const MAX_EARLY_DEATHS = 3;
/** How long retired processes may take to exit when the pool closes, before SIGKILL. */
const CLOSE_GRACE_MS = 5000;

/** The file an entrypoint names, resolved in `cwd`, and a key that changes when the file does. */
export function entrypointKey(entrypoint: string, cwd: string): { file: string; key: string } {
  const file = entrypoint.slice(0, entrypoint.lastIndexOf(":"));
  const path = file.startsWith("/") ? file : `${cwd}/${file}`;
  try {
    const stats = statSync(path);
    return { file: path, key: `${stats.mtimeMs}:${stats.size}:${stats.ino}` };
  } catch {
    return { file: path, key: "missing" };
  }
}

/** Open a pool of run processes (see file header). */
export function openRunProcessPool(options: RunProcessPoolOptions): RunProcessPool {
  const { client, echo, forwardStdout, onError } = options;
  const spawnProcess = options.spawn ?? spawnPooledProcess;
  const processes = new Set<PooledProcess>();
  let started = 0;
  let earlyDeaths = 0;
  let isClosed = false;
  const logs = createLogBatcher(client);

  const send = (entry: PooledProcess, message: ToPooledProcess): void => {
    if (entry.hasExited || !entry.child.connected) return;
    try {
      entry.child.send(message);
    } catch (error) {
      onError(error);
    }
  };

  const retire = (entry: PooledProcess): void => {
    entry.isRetiring = true;
    if (entry.current !== null) return;
    // One still booting listens to neither messages nor signals yet: it just ends.
    if (entry.isReady) send(entry, { type: "retire" });
    else signalGroup(entry.child, "SIGTERM");
  };

  const follow = (entry: PooledProcess, stream: NodeJS.ReadableStream | null, level: LogLevel, isForwarded: boolean): void => {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (message) => {
      const runId = entry.logRunId;
      echo?.write(`${runId === null ? "pool    " : runId.slice(0, 8)} | ${message}\n`);
      if (!isForwarded || runId === null) return;
      logs.add({ flowRunId: runId, level, name: "weir.worker", message, timestamp: new Date().toISOString() });
    });
  };

  const settleRun = (entry: PooledProcess, exit: ProcessExit): void => {
    const slot = entry.current;
    if (slot === null) return;
    entry.current = null;
    slot.isDone = true;
    if (slot.killTimer) clearTimeout(slot.killTimer);
    // A run that ended Completed needs nothing more from the worker: its logs go with the next
    // batch. Otherwise the run's logs are written before the worker reads its state.
    if (exit.code === 0) return slot.resolveExit(exit);
    logs.flush();
    void logs.written().then(() => slot.resolveExit(exit));
  };

  const onMessage = (entry: PooledProcess, message: FromPooledProcess): void => {
    if (message.type === "ready") {
      entry.isReady = true;
      earlyDeaths = 0;
      if (entry.current) send(entry, { type: "run", request: entry.current.request });
      return;
    }
    if (message.type === "logs") {
      logs.add(...message.logs);
      return;
    }
    if (entry.current?.request.flowRunId !== message.flowRunId) return;
    if (message.line !== undefined) echo?.write(`${message.flowRunId.slice(0, 8)} | ${message.line}\n`);
    entry.runsDone += 1;
    settleRun(entry, { code: message.code, signal: null });
    if (entry.runsDone >= options.maxRunsPerProcess || message.rssBytes > options.maxProcessMemoryMb * 1024 * 1024) retire(entry);
    if (entry.isRetiring || isClosed) send(entry, { type: "retire" });
    topUp();
  };

  const startOne = (): PooledProcess | null => {
    let child: ChildProcess;
    try {
      child = spawnProcess(options.base);
    } catch (error) {
      onError(error);
      return null;
    }
    started += 1;
    let markExited: () => void = () => undefined;
    const entry: PooledProcess = {
      child,
      isReady: false,
      isRetiring: false,
      hasExited: false,
      runsDone: 0,
      current: null,
      logRunId: null,
      loaded: new Map(),
      exited: new Promise((resolve) => (markExited = resolve)),
    };
    processes.add(entry);
    follow(entry, child.stdout, "INFO", forwardStdout);
    follow(entry, child.stderr, "ERROR", true);
    child.on("message", (message: unknown) => {
      if (isFromPooledProcess(message)) onMessage(entry, message);
    });
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (entry.hasExited) return;
      entry.hasExited = true;
      processes.delete(entry);
      if (!entry.isReady && !entry.isRetiring && !isClosed) {
        earlyDeaths += 1;
        if (earlyDeaths === MAX_EARLY_DEATHS) onError(new Error(`pooled run processes keep exiting before they are ready (last: code ${code}, signal ${signal}); starting them only for runs now`));
      }
      // Output still in the pipes is the run's: give it a moment to arrive.
      setTimeout(() => {
        settleRun(entry, { code, signal });
        markExited();
        topUp();
      }, 50);
    };
    child.once("exit", onExit);
    child.once("error", (error) => {
      onError(error);
      onExit(null, null);
    });
    return entry;
  };

  function topUp(): void {
    if (isClosed || earlyDeaths >= MAX_EARLY_DEATHS) return;
    let live = 0;
    for (const entry of processes) if (!entry.isRetiring) live += 1;
    for (; live < options.prestart; live++) if (startOne() === null) return;
  }

  const handleFor = (entry: PooledProcess, slot: RunSlot, exited: Promise<ProcessExit>): FlowRunProcess => ({
    pid: entry.child.pid,
    exited,
    stop(graceMs) {
      if (slot.isDone || entry.hasExited) return;
      // SIGTERM aborts the run's signal; the process retires after it (pooled-run-child.ts).
      entry.isRetiring = true;
      signalGroup(entry.child, "SIGTERM");
      slot.killTimer ??= setTimeout(() => {
        if (slot.isDone || entry.hasExited) return;
        const message = `the run's process was still running ${graceMs / 1000} s after SIGTERM (its code ignores the run's signal): killed with SIGKILL`;
        logs.add({ flowRunId: slot.request.flowRunId, level: "WARNING", name: "weir.worker", message, timestamp: new Date().toISOString() });
        signalGroup(entry.child, "SIGKILL");
      }, graceMs);
    },
    kill() {
      if (slot.isDone || entry.hasExited) return;
      entry.isRetiring = true;
      signalGroup(entry.child, "SIGKILL");
    },
    isAlive: () => !slot.isDone && !entry.hasExited,
  });

  topUp();
  return {
    take(request) {
      if (isClosed || request.flowRunId === null || request.entrypoint === undefined) return null;
      for (const key of new Set([...Object.keys(request.env), ...Object.keys(options.base.env)])) {
        if (START_UP_ONLY_VARIABLE.test(key) && request.env[key] !== options.base.env[key]) return null;
      }
      const { file, key } = entrypointKey(request.entrypoint, request.cwd);
      // A process that loaded an older version of the file cannot run the new one.
      for (const entry of processes) if ((entry.loaded.get(file) ?? key) !== key) retire(entry);
      let chosen: PooledProcess | null = null;
      for (const entry of processes) {
        if (entry.current !== null || entry.isRetiring || entry.hasExited) continue;
        if (chosen === null || (entry.isReady && !chosen.isReady)) chosen = entry;
      }
      chosen ??= startOne();
      if (chosen === null) return null;
      const entry = chosen;
      let resolveExit: (exit: ProcessExit) => void = () => undefined;
      const exited = new Promise<ProcessExit>((resolve) => (resolveExit = resolve));
      const slot: RunSlot = {
        request: { flowRunId: request.flowRunId, cwd: request.cwd, env: request.env, entrypoint: request.entrypoint, ...(request.flowRun ? { flowRun: request.flowRun } : {}) },
        resolveExit,
        isDone: false,
        killTimer: null,
      };
      entry.current = slot;
      entry.logRunId = request.flowRunId;
      entry.loaded.set(file, key);
      if (entry.isReady) send(entry, { type: "run", request: slot.request });
      setImmediate(topUp);
      return handleFor(entry, slot, exited);
    },
    size: () => processes.size,
    startedCount: () => started,
    async close() {
      isClosed = true;
      const all = [...processes];
      for (const entry of all) retire(entry);
      const stuck = setTimeout(() => {
        for (const entry of all) if (!entry.hasExited) signalGroup(entry.child, "SIGKILL");
      }, CLOSE_GRACE_MS);
      await Promise.all(all.map((entry) => entry.exited));
      clearTimeout(stuck);
      await logs.close();
    },
  };
}
