/**
 * Shell and Python steps as tasks, with real child processes: output lines become the task run's
 * logs, a non-zero exit fails the attempt (retried, then Failed with stderr in the logs), the
 * result protocol returns a value to the flow, and a timeout kills the whole process group.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, getRunContext, pythonTask, shellTask, SubprocessError } from "../../src/index.js";
import { flushAll } from "../../src/sdk/client-provider.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
let dir: string;
beforeAll(async () => {
  harness = await openSdkHarness();
  dir = join(harness.database.dir, "steps");
  mkdirSync(dir, { recursive: true });
});
afterAll(async () => harness.close());

async function taskRunsOf(flowRunId: string) {
  await flushAll();
  return (await harness.client.listTaskRuns({ flowRunId })).items;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("shellTask", () => {
  it("retries a failing command and ends Failed with its stderr in the logs", async () => {
    const calls = join(dir, "calls.txt");
    const failing = shellTask({
      name: "failing-shell",
      command: `echo "attempt" >> ${calls}; echo "working on it"; echo "disk full on /data" >&2; exit 3`,
      retries: 2,
    });
    let flowRunId = "";
    const f = flow("shell-fails", async () => {
      flowRunId = getRunContext().flowRunId!;
      return failing();
    });
    const error = await f().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SubprocessError);
    expect((error as SubprocessError).exitCode).toBe(3);
    expect((error as SubprocessError).message).toBe("shell step 'failing-shell' exited with code 3: disk full on /data");
    expect(readFileSync(calls, "utf8").trim().split("\n")).toHaveLength(3);
    const [run] = await taskRunsOf(flowRunId);
    expect(run!.stateName).toBe("Failed");
    expect(run!.runCount).toBe(3);
    const states = await harness.client.readTaskRunStates(run!.id);
    expect(states.map((state) => state.name)).toEqual(["Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Failed"]);
    const logs = await harness.client.readLogs({ flowRunId, limit: 1000 });
    const stderrLines = logs.filter((log) => log.message === "disk full on /data");
    expect(stderrLines).toHaveLength(3);
    expect(stderrLines.every((log) => log.level === "WARNING" && log.taskRunId === run!.id)).toBe(true);
    expect(logs.filter((log) => log.message === "working on it" && log.level === "INFO")).toHaveLength(3);
  });

  it("returns the last result line's JSON, gets its input on stdin, and runs an argv without a shell", async () => {
    const echo = shellTask<{ n: number }, { doubled: number }>({
      name: "double-in-shell",
      command: ["sh", "-c", 'read -r line; n=$(echo "$line" | sed "s/[^0-9]//g"); echo "::weir-result::{\\"doubled\\": $((n * 2))}"'],
    });
    const fromFile = shellTask<string, string[]>({ name: "result-file", command: (word) => `printf '["%s", "%s"]' ${word} "$X" > "$WEIR_RESULT_FILE"`, env: { X: "from-env" } });
    const nothing = shellTask({ name: "no-result", command: "true" });
    const f = flow("shell-values", async () => ({ doubled: await echo({ n: 21 }), file: await fromFile("hello"), none: await nothing() }));
    expect(await f()).toEqual({ doubled: { doubled: 42 }, file: ["hello", "from-env"], none: null });
  });

  it("kills the process group when the task times out", async () => {
    const pidFile = join(dir, "sleeper.pid");
    const slow = shellTask({ name: "slow-shell", command: `sleep 60 & echo $! > ${pidFile}; wait`, timeoutSeconds: 1, killGraceSeconds: 1 });
    let flowRunId = "";
    const f = flow("shell-times-out", async () => {
      flowRunId = getRunContext().flowRunId!;
      return slow();
    });
    await expect(f()).rejects.toThrow("timed out after 1 s");
    const [run] = await taskRunsOf(flowRunId);
    expect(run!.stateName).toBe("TimedOut");
    const sleeper = Number(readFileSync(pidFile, "utf8"));
    const deadline = Date.now() + 5000;
    while (isAlive(sleeper) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(sleeper)).toBe(false);
  });

  it("refuses a bad command with an error naming it, and a missing program without retrying", async () => {
    expect(() => shellTask({ name: "empty", command: "" })).toThrow("invalid command of shell step 'empty': command: must be a non-empty command line");
    expect(() => shellTask({ name: "bad-env", command: "true", env: { A: 1 as unknown as string } })).toThrow("env: must map names to strings");
    const missing = shellTask({ name: "missing-program", command: ["/no/such/program"], retries: 3 });
    const f = flow("shell-missing", async () => missing());
    await expect(f()).rejects.toThrow("shell step 'missing-program' could not start: command not found: /no/such/program");
  });
});

describe("pythonTask", () => {
  it("returns a value to the flow, reads its input, and logs its prints", async () => {
    const script = join(dir, "stats.py");
    writeFileSync(script, [
      "import json, sys",
      "numbers = json.load(sys.stdin)",
      "print(f'got {len(numbers)} numbers')",
      "print('::weir-result::' + json.dumps({'sum': sum(numbers), 'max': max(numbers), 'argv': sys.argv[1:]}))",
    ].join("\n"));
    const stats = pythonTask<number[], { sum: number; max: number; argv: string[] }>({ name: "py-stats", script, args: (numbers) => ["--count", String(numbers.length)] });
    let flowRunId = "";
    const f = flow("python-values", async () => {
      flowRunId = getRunContext().flowRunId!;
      const result = await stats([3, 9, 4]);
      return result.sum * 10;
    });
    expect(await f()).toBe(160);
    const [run] = await taskRunsOf(flowRunId);
    expect(run!.stateName).toBe("Completed");
    const logs = await harness.client.readLogs({ flowRunId, limit: 100 });
    expect(logs.some((log) => log.message === "got 3 numbers" && log.taskRunId === run!.id)).toBe(true);
    expect(logs.some((log) => log.message.includes("::weir-result::"))).toBe(false);
  });

  it("runs a module, writes the result file, and fails clearly on a missing venv or a traceback", async () => {
    const pkg = join(dir, "pkg");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "__init__.py"), "");
    writeFileSync(join(pkg, "job.py"), "import json, os\njson.dump({'ok': True}, open(os.environ['WEIR_RESULT_FILE'], 'w'))\n");
    writeFileSync(join(dir, "crash.py"), "raise ValueError('bad row 7')\n");
    const job = pythonTask({ name: "py-module", module: "pkg.job", cwd: dir });
    const crash = pythonTask({ name: "py-crash", script: "crash.py", cwd: dir });
    const noVenv = pythonTask({ name: "py-no-venv", script: "crash.py", cwd: dir, venv: "no-venv", retries: 2 });
    const f = flow("python-module", async () => job());
    expect(await f()).toEqual({ ok: true });
    await expect(flow("python-crash", async () => crash())()).rejects.toThrow("python step 'py-crash' exited with code 1: ValueError: bad row 7");
    await expect(flow("python-no-venv", async () => noVenv())()).rejects.toThrow(`the virtual environment ${join(dir, "no-venv")} has no`);
    expect(() => pythonTask({ name: "both", script: "a.py", module: "a" })).toThrow("script: give exactly one of script and module");
    expect(existsSync(join(dir, "no-venv"))).toBe(false);
    appendFileSync(join(dir, "done"), "");
  });
});
