// `weir variable`, `weir concurrency-limit`, `weir config` and `weir version` as real child processes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ConcurrencyLimit, Variable } from "../../src/core/models.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { runCli, useCliEnv } from "./run-cli.js";

const database = useTestDatabase();
const env = useCliEnv(database);

describe("weir variable", { timeout: 120_000 }, () => {
  it("round-trips JSON and string values, lists and unsets them", async () => {
    expect((await runCli(["variable", "set", "answer", "42"], env)).code).toBe(0);
    expect((await runCli(["variable", "set", "greeting", "hello there", "--tag", "demo"], env)).code).toBe(0);
    expect((await runCli(["variable", "set", "config", '{"retries":3,"on":true}'], env)).code).toBe(0);

    expect((await runCli(["variable", "get", "greeting"], env)).stdout).toBe("hello there\n");
    const answer = JSON.parse((await runCli(["variable", "get", "answer", "--json"], env)).stdout) as Variable;
    expect(answer).toMatchObject({ name: "answer", value: 42 });
    // Plain `get` prints the value as JSON (key order is the database's: jsonb sorts keys).
    expect(JSON.parse((await runCli(["variable", "get", "config"], env)).stdout)).toEqual({ retries: 3, on: true });

    const listed = JSON.parse((await runCli(["variable", "ls", "--json"], env)).stdout) as Variable[];
    expect(listed.map((variable) => variable.name).sort()).toEqual(["answer", "config", "greeting"]);
    expect(listed.find((variable) => variable.name === "greeting")?.tags).toEqual(["demo"]);
    const table = (await runCli(["variable", "ls"], env)).stdout;
    expect(table).toMatch(/^NAME\s+VALUE\s+TAGS\s+UPDATED/);
    expect(table).toMatch(/greeting\s+"hello there"\s+demo/);

    expect((await runCli(["variable", "unset", "answer"], env)).code).toBe(0);
    const gone = await runCli(["variable", "get", "answer"], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr.trim()).toBe("Error: variable 'answer' not found");
    const unsetAgain = await runCli(["variable", "unset", "answer"], env);
    expect(unsetAgain.code).toBe(1);
    expect(unsetAgain.stderr.trim()).toBe("Error: variable 'answer' not found");
  });
});

describe("weir concurrency-limit", { timeout: 120_000 }, () => {
  it("creates, lists, inspects and deletes limits", async () => {
    const created = await runCli(["concurrency-limit", "create", "database", "3", "--json"], env);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ tag: "database", limit: 3, activeSlots: 0 });

    const listed = JSON.parse((await runCli(["concurrency-limit", "ls", "--json"], env)).stdout) as ConcurrencyLimit[];
    expect(listed.map((limit) => [limit.tag, limit.limit])).toEqual([["database", 3]]);
    expect((await runCli(["concurrency-limit", "ls"], env)).stdout).toMatch(/database\s+3\s+0/);
    expect((await runCli(["concurrency-limit", "inspect", "database"], env)).stdout).toMatch(/limit\s+3/);

    expect((await runCli(["concurrency-limit", "delete", "database"], env)).code).toBe(0);
    expect(JSON.parse((await runCli(["concurrency-limit", "ls", "--json"], env)).stdout)).toEqual([]);
    const missing = await runCli(["concurrency-limit", "delete", "database"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^Error: .*database.*not found/);
  });

  it("rejects a limit that is not a whole number", async () => {
    const result = await runCli(["concurrency-limit", "create", "database", "many"], env);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("Error: invalid LIMIT 'many': expected a whole number ≥ 0");
  });
});

describe("weir config", { timeout: 120_000 }, () => {
  it("sets and unsets keys in $WEIR_HOME/config.json and never prints the API key in full", async () => {
    const home = join(database.dir, "config-home");
    const configEnv: NodeJS.ProcessEnv = { ...env, WEIR_HOME: home };
    delete configEnv.WEIR_DATABASE_URL;
    const secret = "sk-very-secret-key-1234";
    expect((await runCli(["config", "set", "apiKey", secret], configEnv)).code).toBe(0);
    expect((await runCli(["config", "set", "apiUrl", "http://127.0.0.1:4200/api"], configEnv)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, "config.json"), "utf8"))).toEqual({ apiKey: secret, apiUrl: "http://127.0.0.1:4200/api" });

    const view = await runCli(["config", "view"], configEnv);
    expect(view.code).toBe(0);
    expect(view.stdout).not.toContain(secret);
    expect(view.stdout).toMatch(/apiKey\s+\*\*\*\*1234\s+file/);
    expect(view.stdout).toMatch(/apiUrl\s+http:\/\/127\.0\.0\.1:4200\/api\s+file/);

    const json = JSON.parse((await runCli(["config", "view", "--json"], { ...configEnv, WEIR_API_URL: "http://example.test/api" })).stdout) as {
      settings: Record<string, { value: string; source: string }>;
    };
    expect(json.settings.apiUrl).toEqual({ value: "http://example.test/api", source: "env" });
    expect(JSON.stringify(json)).not.toContain(secret);

    expect((await runCli(["config", "unset", "apiKey"], configEnv)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, "config.json"), "utf8"))).toEqual({ apiUrl: "http://127.0.0.1:4200/api" });

    const badKey = await runCli(["config", "set", "colour", "blue"], configEnv);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr.trim()).toMatch(/^Error: .*unknown key 'colour'/);
  });
});

describe("weir version and usage errors", { timeout: 120_000 }, () => {
  it("prints the package version, as JSON too", async () => {
    const packageVersion = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
    expect((await runCli(["version"], env)).stdout).toContain(`weir ${packageVersion}`);
    expect(JSON.parse((await runCli(["version", "--json"], env)).stdout)).toMatchObject({ version: packageVersion });
    expect((await runCli(["--version"], env)).stdout.trim()).toBe(packageVersion);
  });

  it("exits 2 with one line for unknown commands and options", async () => {
    const unknown = await runCli(["flow-runs"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^Error: unknown command 'flow-runs'/);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const badOption = await runCli(["flow-run", "ls", "--colour"], env);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr.trim()).toBe("Error: unknown option '--colour'");
    const badState = await runCli(["flow-run", "ls", "--state", "done"], env);
    expect(badState.code).toBe(2);
    expect(badState.stderr).toMatch(/^Error: invalid --state 'done'/);
  });
});
