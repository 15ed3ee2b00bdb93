/**
 * Run one process for a shell or Python step, to its exit.
 *
 * - stdout and stderr are read line by line: each line becomes a log line of the task run
 *   (stdout INFO, stderr WARNING), and the last STDERR_TAIL_LINES lines of stderr are kept for
 *   the error of a failed run;
 * - the return value comes from the result protocol: the last stdout line starting with
 *   RESULT_LINE_PREFIX (followed by JSON), else the JSON the process wrote to the file named by
 *   `WEIR_RESULT_FILE`, else null;
 * - the input, if any, is written to stdin as one JSON document (stdin is closed either way);
 * - when the signal aborts (the task timed out, or its flow run was cancelled) the whole process
 *   group gets SIGTERM, then SIGKILL after `killGraceMs`: a shell's children die with it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { NonRetryableError } from "../non-retryable-error.js";
import { SubprocessError } from "./subprocess-error.js";

/** A stdout line starting with this, then JSON, gives the step's return value (the last one wins). */
export const RESULT_LINE_PREFIX = "::weir-result::";

/** Lines of stderr kept for the error of a failed step. */
export const STDERR_TAIL_LINES = 20;

/** Where a step's output lines go. */
export interface SubprocessLog {
  info(line: string): void;
  warning(line: string): void;
}

/** What to run, and how. */
export interface SubprocessSpec {
  /** What the errors call it, e.g. `shell step 'count-lines'`. */
  what: string;
  file: string;
  args: readonly string[];
  /** Run through `/bin/sh -c` (file is then the whole command line). */
  isShell: boolean;
  cwd: string | undefined;
  env: Readonly<Record<string, string>>;
  input: unknown;
  signal: AbortSignal;
  killGraceMs: number;
  log: SubprocessLog;
}

/** Run the process to its exit; resolves with its return value, rejects with a SubprocessError (or the abort reason). */
export async function runSubprocess(spec: SubprocessSpec): Promise<unknown> {
  if (spec.signal.aborted) throw spec.signal.reason;
  const resultDir = mkdtempSync(join(tmpdir(), "weir-step-"));
  const resultFile = join(resultDir, "result.json");
  try {
    const run = await spawnAndWait(spec, resultFile);
    if (spec.signal.aborted) throw spec.signal.reason;
    if (run.exitCode !== 0) throw new SubprocessError(spec.what, run.exitCode, run.signalName, run.stderrTail);
    if (run.resultLine !== null) return parseResult(run.resultLine, `the ${RESULT_LINE_PREFIX} line of ${spec.what}`);
    return readResultFile(resultFile, spec.what);
  } finally {
    rmSync(resultDir, { recursive: true, force: true });
  }
}

interface FinishedProcess {
  exitCode: number | null;
  signalName: string | null;
  stderrTail: string[];
  resultLine: string | null;
}

function spawnAndWait(spec: SubprocessSpec, resultFile: string): Promise<FinishedProcess> {
  return new Promise((resolve, reject) => {
    const ownGroup = process.platform !== "win32";
    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, WEIR_RESULT_FILE: resultFile },
      stdio: ["pipe", "pipe", "pipe"],
      shell: spec.isShell,
      // Its own process group, so that a timeout kills the process and everything it started.
      detached: ownGroup,
    });
    const stderrTail: string[] = [];
    let resultLine: string | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const killTree = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (ownGroup) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => {
      killTree("SIGTERM");
      killTimer = setTimeout(() => killTree("SIGKILL"), spec.killGraceMs);
    };
    spec.signal.addEventListener("abort", onAbort, { once: true });
    // If this process exits first, its step's processes go with it.
    const onExit = () => killTree("SIGKILL");
    process.once("exit", onExit);
    const cleanUp = () => {
      spec.signal.removeEventListener("abort", onAbort);
      process.removeListener("exit", onExit);
      clearTimeout(killTimer);
    };

    createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => {
      if (line.startsWith(RESULT_LINE_PREFIX)) resultLine = line.slice(RESULT_LINE_PREFIX.length);
      else spec.log.info(line);
    });
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on("line", (line) => {
      spec.log.warning(line);
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    });
    child.stdin.on("error", () => undefined); // a process that does not read its input closes stdin early
    child.stdin.end(spec.input === undefined ? "" : JSON.stringify(spec.input));

    child.once("error", (error: NodeJS.ErrnoException) => {
      cleanUp();
      const reason = error.code === "ENOENT" ? `command not found: ${spec.file}` : error.message;
      // A missing program stays missing: no retry.
      reject(new NonRetryableError(`${spec.what} could not start: ${reason}`, { cause: error }));
    });
    child.once("close", (exitCode, signalName) => {
      cleanUp();
      resolve({ exitCode, signalName, stderrTail, resultLine });
    });
  });
}

function readResultFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  return text.trim() === "" ? null : parseResult(text, `the result file (WEIR_RESULT_FILE) of ${what}`);
}

function parseResult(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new NonRetryableError(`${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
