/**
 * Cache policies as values (src/sdk/cache-policy.ts) and the validity check (src/sdk/task-cache.ts),
 * through real flow runs on the test database: which calls hit, which run, what is logged.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheKey, flow, flowParameters, flushAll, getRunContext, inputs, none, runId, task, taskSource, WeirError } from "../../src/index.js";
import type { CacheEntry } from "../../src/index.js";
import { parameterNamesOf } from "../../src/sdk/parameter-names.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

/** Run `body` in a new flow run (named uniquely); its task runs' state names in call order. */
async function statesOf<T>(body: () => Promise<T>): Promise<{ value: T; states: string[]; flowRunId: string }> {
  // The newest entry of a key wins (by end time): each flow ends a millisecond after the last on
  // the fake clock, or two entries would tie and either could win.
  harness.clock.advance(1);
  const f = flow(`policy-flow-${crypto.randomUUID().slice(0, 8)}`, async () => ({ value: await body(), flowRunId: getRunContext().flowRunId! }));
  const { value, flowRunId } = await f();
  await flushAll();
  const { items } = await harness.client.listTaskRuns({ flowRunId }, { limit: 100 });
  const states = [...items].sort((a, b) => Number(a.dynamicKey) - Number(b.dynamicKey) || a.taskKey.localeCompare(b.taskKey)).map((run) => run.stateName);
  return { value, states, flowRunId };
}

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return "(no error)";
}

describe("cache policies", () => {
  it("inputs.and(taskSource): a hit only for equal inputs and an unchanged function", async () => {
    let executions = 0;
    const v1 = async (n: number) => {
      executions += 1;
      return n * 2;
    };
    const v2 = async (n: number) => {
      executions += 1;
      return n * 3;
    };
    const policy = inputs.and(taskSource);
    expect(policy.description).toBe("inputs + taskSource");
    const first = task({ name: "scaled", cache: { policy } }, v1);
    expect((await statesOf(() => first(2))).states).toEqual(["Completed"]);
    expect((await statesOf(() => first(2))).states).toEqual(["Cached"]);
    expect((await statesOf(() => first(3))).states).toEqual(["Completed"]);
    // Same task name, same inputs, other code: a miss, and its own entry from then on.
    const changed = task({ name: "scaled", cache: { policy } }, v2);
    const afterChange = await statesOf(() => changed(2));
    expect(afterChange).toMatchObject({ value: 6, states: ["Completed"] });
    expect((await statesOf(() => changed(2))).value).toBe(6);
    // A new function object with the first one's source text hits the first one's entry.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the same source, evaluated again
    const sameSource = new Function(`return ${v1.toString()}`)() as typeof v1;
    const back = await statesOf(() => task({ name: "scaled", cache: { policy } }, sameSource)(2));
    expect(back).toMatchObject({ value: 4, states: ["Cached"] });
    // inputs alone ignores the code: the old entries of "scaled" under `inputs` are another key.
    expect((await statesOf(() => task({ name: "scaled", cache: { policy: inputs } }, v2)(2))).states).toEqual(["Completed"]);
    expect(executions).toBe(4);
  });

  it('keeps the keys of "inputs" and of a bare key function, so entries from before policies were values still hit', async () => {
    let executions = 0;
    const body = async (name: string) => {
      executions += 1;
      return `${name}#${executions}`;
    };
    const byString = task({ name: "compat", cache: { policy: "inputs" } }, body);
    expect((await statesOf(() => byString("a"))).value).toBe("a#1");
    expect(await statesOf(() => task({ name: "compat", cache: { policy: inputs } }, body)("a"))).toMatchObject({ value: "a#1", states: ["Cached"] });
    const firstLetter = (_context: unknown, args: readonly unknown[]) => String(args[0]).slice(0, 1);
    const bare = task({ name: "compat-key", cache: { policy: firstLetter } }, body);
    expect((await statesOf(() => bare("xy"))).value).toBe("xy#2");
    expect(await statesOf(() => task({ name: "compat-key", cache: { policy: cacheKey(firstLetter) } }, body)("xz"))).toMatchObject({ value: "xy#2", states: ["Cached"] });
  });

  it("flowParameters: runs with equal parameters share a result; excluding() leaves a parameter out", async () => {
    let executions = 0;
    const load = task({ name: "load-by-params", cache: { policy: flowParameters.excluding("verbose") } }, async () => {
      executions += 1;
      return executions;
    });
    const pipeline = flow("params-flow", async (_params: { region: string; verbose: boolean }) => ({ value: await load(), id: getRunContext().flowRunId! }));
    expect((await pipeline({ region: "eu", verbose: false })).value).toBe(1);
    expect((await pipeline({ region: "eu", verbose: true })).value).toBe(1);
    expect((await pipeline({ region: "us", verbose: false })).value).toBe(2);
    const plain = task({ name: "load-by-all-params", cache: { policy: flowParameters } }, async () => {
      executions += 1;
      return executions;
    });
    const strict = flow("params-flow-strict", async (_params: { region: string; verbose: boolean }) => plain());
    expect(await strict({ region: "eu", verbose: false })).toBe(3);
    expect(await strict({ region: "eu", verbose: true })).toBe(4);
    expect(await strict({ region: "eu", verbose: true })).toBe(4);
  });

  it("runId: a result is shared within one flow run only, and nothing is cached outside a flow run", async () => {
    let executions = 0;
    const lookup = task({ name: "per-run-lookup", cache: { policy: inputs.and(runId) } }, async (key: string) => {
      executions += 1;
      return `${key}@${executions}`;
    });
    const first = await statesOf(async () => [await lookup("k"), await lookup("k"), await lookup("j")]);
    expect(first).toMatchObject({ value: ["k@1", "k@1", "j@2"], states: ["Completed", "Cached", "Completed"] });
    const second = await statesOf(async () => [await lookup("k")]);
    expect(second).toMatchObject({ value: ["k@3"], states: ["Completed"] });
    expect(await lookup("k")).toBe("k@4");
    expect(await lookup("k")).toBe("k@5");
  });

  it("none, alone or combined, never caches; a key function returning null skips the cache for that call", async () => {
    let executions = 0;
    const body = async (_path: string) => {
      executions += 1;
      return executions;
    };
    expect(inputs.and(none)).toBe(none);
    const never = task({ name: "never-cached", cache: { policy: inputs.and(none) } }, body);
    expect((await statesOf(async () => [await never("a"), await never("a")])).states).toEqual(["Completed", "Completed"]);
    const onlyCsv = task({ name: "only-csv", cache: { policy: inputs.and(cacheKey((_context, [path]) => (String(path).endsWith(".csv") ? "csv" : null))) } }, body);
    const run = await statesOf(async () => [await onlyCsv("a.csv"), await onlyCsv("a.csv"), await onlyCsv("a.json"), await onlyCsv("a.json")]);
    expect(run.states).toEqual(["Completed", "Cached", "Completed", "Completed"]);
    expect(executions).toBe(5);
  });

  it("inputs.excluding() leaves out a positional parameter or a key of a destructured one", async () => {
    let executions = 0;
    const positional = task({ name: "excl-positional", cache: { policy: inputs.excluding("verbose") } }, async (rows: number, verbose: boolean) => {
      executions += 1;
      return verbose ? rows : -rows;
    });
    expect((await statesOf(async () => [await positional(3, true), await positional(3, false), await positional(4, false)])).states).toEqual(["Completed", "Cached", "Completed"]);
    const destructured = task(
      { name: "excl-destructured", cache: { policy: inputs.excluding("verbose") } },
      async ({ rows, verbose = false }: { rows: number; verbose?: boolean }) => {
        executions += 1;
        return verbose ? rows : -rows;
      },
    );
    const run = await statesOf(async () => [await destructured({ rows: 1 }), await destructured({ rows: 1, verbose: true }), await destructured({ rows: 2 })]);
    expect(run).toMatchObject({ value: [-1, -1, -2], states: ["Completed", "Cached", "Completed"] });
    expect(executions).toBe(4);
  });

  it("expires entries of a composed policy after expirationSeconds", async () => {
    let executions = 0;
    const rate = task({ name: "rate-composed", cache: { policy: inputs.and(taskSource), expirationSeconds: 60 } }, async (pair: string) => {
      executions += 1;
      return `${pair}:${executions}`;
    });
    expect((await statesOf(() => rate("EURUSD"))).value).toBe("EURUSD:1");
    harness.clock.advance(59_000);
    expect(await statesOf(() => rate("EURUSD"))).toMatchObject({ value: "EURUSD:1", states: ["Cached"] });
    harness.clock.advance(2_000);
    expect(await statesOf(() => rate("EURUSD"))).toMatchObject({ value: "EURUSD:2", states: ["Completed"] });
  });
});

describe("cache validity check (cache.isValid)", () => {
  it("a false check is a miss: the task runs again, and its new result replaces the entry", async () => {
    const dir = join(harness.database.dir, "valid-check");
    mkdirSync(dir, { recursive: true });
    let executions = 0;
    const seen: CacheEntry<{ path: string; run: number }>[] = [];
    const build = task(
      {
        name: "build-file",
        cache: {
          policy: inputs.and(taskSource),
          isValid: (entry) => {
            seen.push(entry);
            return existsSync(entry.value.path);
          },
        },
      },
      async (name: string) => {
        executions += 1;
        const path = join(dir, name);
        writeFileSync(path, String(executions));
        return { path, run: executions };
      },
    );
    const first = await statesOf(() => build("a.txt"));
    expect(first).toMatchObject({ value: { run: 1 }, states: ["Completed"] });
    expect(seen).toEqual([]);
    expect(await statesOf(() => build("a.txt"))).toMatchObject({ value: { run: 1 }, states: ["Cached"] });
    expect(seen[0]).toMatchObject({ value: { path: join(dir, "a.txt"), run: 1 }, args: ["a.txt"], expiresAt: null });
    expect(seen[0]!.key).toMatch(/^build-file:[0-9a-f]{64}$/);
    expect(seen[0]!.taskRunId).toBeTruthy();

    rmSync(join(dir, "a.txt"));
    const rebuilt = await statesOf(() => build("a.txt"));
    expect(rebuilt).toMatchObject({ value: { run: 2 }, states: ["Completed"] });
    expect(existsSync(join(dir, "a.txt"))).toBe(true);
    const logs = await harness.client.readLogs({ flowRunId: rebuilt.flowRunId, limit: 100 });
    expect(logs.map((log) => log.message)).toEqual(expect.arrayContaining([expect.stringMatching(/is no longer valid \(cache\.isValid said no\): task 'build-file' runs again/)]));
    // The new result is the entry from now on.
    expect(await statesOf(() => build("a.txt"))).toMatchObject({ value: { run: 2 }, states: ["Cached"] });
    expect(executions).toBe(2);
  });

  it("an async check works, and a check that throws is a miss with a WARNING naming the task", async () => {
    let executions = 0;
    let verdict: () => Promise<boolean> = async () => true;
    const compute = task({ name: "checked-compute", cache: { isValid: () => verdict() } }, async (n: number) => {
      executions += 1;
      return n + executions;
    });
    expect((await statesOf(() => compute(10))).value).toBe(11);
    expect(await statesOf(() => compute(10))).toMatchObject({ value: 11, states: ["Cached"] });
    verdict = async () => {
      throw new Error("disk unreachable");
    };
    const afterThrow = await statesOf(() => compute(10));
    expect(afterThrow).toMatchObject({ value: 12, states: ["Completed"] });
    const logs = await harness.client.readLogs({ flowRunId: afterThrow.flowRunId, limit: 100 });
    const warning = logs.find((log) => log.level === "WARNING");
    expect(warning?.message).toMatch(/cache\.isValid of task 'checked-compute' threw.*runs again: disk unreachable/);
    expect(warning?.taskRunId).toBeTruthy();
    verdict = async () => false;
    expect(await statesOf(() => compute(10))).toMatchObject({ value: 13, states: ["Completed"] });
  });

  it("refresh skips the lookup (and the check), and stores a fresh entry", async () => {
    let executions = 0;
    let checks = 0;
    const body = async () => {
      executions += 1;
      return executions;
    };
    const cache = { policy: taskSource, isValid: () => (checks += 1) > 0 };
    expect((await statesOf(() => task({ name: "refreshed", cache }, body)())).value).toBe(1);
    expect((await statesOf(() => task({ name: "refreshed", cache: { ...cache, refresh: true } }, body)())).value).toBe(2);
    expect(checks).toBe(0);
    expect((await statesOf(() => task({ name: "refreshed", cache }, body)())).value).toBe(2);
    expect(checks).toBe(1);
  });
});

describe("cache option checks", () => {
  const body = async (rows: number, verbose: boolean) => (verbose ? rows : 0);
  const Loose = (options: unknown) => options as Parameters<typeof task>[0];

  it("names a mistyped cache option, with the spelling Weir uses", () => {
    expect(messageOf(() => task(Loose({ name: "x", cache: { valid: () => true } }), body))).toBe("unknown task option 'cache.valid' (did you mean 'cache.isValid'?) in task 'x'");
    expect(messageOf(() => task(Loose({ name: "x", cache: { validate: () => true } }), body))).toContain("did you mean 'cache.isValid'?");
    expect(messageOf(() => task(Loose({ name: "x", cache: { cache_policy: inputs } }), body))).toContain("did you mean 'cache.policy'?");
    expect(messageOf(() => task(Loose({ name: "x", cache: { expirationSecond: 5 } }), body))).toContain("did you mean 'cache.expirationSeconds'?");
    expect(messageOf(() => task(Loose({ name: "x", cachePolicy: inputs }), body))).toContain("inputs.and(taskSource)");
  });

  it("refuses a policy, check or excluded name that cannot work, when the task is defined", () => {
    expect(messageOf(() => task(Loose({ name: "x", cache: { policy: "input" } }), body))).toMatch(/cache\.policy.*must be a cache policy/);
    expect(messageOf(() => task(Loose({ name: "x", cache: { isValid: true } }), body))).toMatch(/cache\.isValid.*must be a function/);
    expect(messageOf(() => task({ name: "x", cache: { policy: inputs.excluding("verbos") } }, body))).toMatch(/no parameter 'verbos' \(its parameters: rows, verbose\)/);
    expect(messageOf(() => taskSource.excluding("rows"))).toMatch(/only inputs and flowParameters/);
    expect(messageOf(() => task({ name: "x", cache: { policy: inputs.excluding("verbose"), expirationSeconds: 0 } }, body))).toMatch(/cache\.expirationSeconds.*> 0/);
    const error = (() => {
      try {
        task(Loose({ name: "x", cache: { policy: 42 } }), body);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe("VALIDATION");
  });
});

describe("parameterNamesOf", () => {
  it.each([
    [(a: number, b = "x,y", ...rest: number[]) => [a, b, rest], [{ name: "a" }, { name: "b" }, { name: "rest", isRest: true }]],
    [async ({ rows, verbose: isVerbose = false }: { rows: number; verbose?: boolean }) => [rows, isVerbose], [{ name: null, keys: ["rows", "verbose"] }]],
    [function named(first: string, [second]: string[]) { return first + second; }, [{ name: "first" }, { name: null, keys: [] }]],
    [async (x: number) => x, [{ name: "x" }]],
  ])("reads %s", (fn, expected) => {
    expect(parameterNamesOf(fn as (...args: never[]) => unknown)).toMatchObject(expected);
  });
});
