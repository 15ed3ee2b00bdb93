// `weir run` and `weir deployment run` read --param the same way, by the flow's schema.
import { describe, expect, it } from "vitest";
import type { FlowRun } from "../../src/core/models.js";
import { parameterJsonSchema } from "../../src/sdk/validate-parameters.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { typedParams } from "./fixtures/typed-and-flaky.js";
import { REPO_ROOT, runCli, useCliEnv } from "./run-cli.js";

const ENTRYPOINT = "test/cli/fixtures/typed-and-flaky.ts:typed";
const { database, client } = useTestOrchestration();
const env = useCliEnv(database);

const GOOD = ["--param", "label=42", "--param", "count=3", "--param", "loud=true", "--param", 'tags=["a","b"]'];
const EXPECTED = { label: "42", count: 3, loud: true, tags: ["a", "b"] };
const BAD: Array<[string, string]> = [
  ["count=abc", "Error: --param count=abc: 'count' expects a number, e.g. --param count=3"],
  ["loud=yes", "Error: --param loud=yes: 'loud' expects true or false, e.g. --param loud=true"],
  ["tags=a", `Error: --param tags=a: 'tags' expects a JSON array, e.g. --param tags='["a","b"]'`],
];

describe("--param by the flow's schema", { timeout: 120_000 }, () => {
  it("weir run keeps text parameters as text and parses the others by their type", async () => {
    const result = await runCli(["run", ENTRYPOINT, ...GOOD, "--json"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as FlowRun).parameters).toEqual(EXPECTED);
  });

  it("weir deployment run reads them the same way", async () => {
    await client.upsertDeployment({ name: "typed-dep", flowName: "typed", entrypoint: ENTRYPOINT, path: REPO_ROOT, parameterSchema: parameterJsonSchema(typedParams) });
    const result = await runCli(["deployment", "run", "typed/typed-dep", ...GOOD, "--json"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as FlowRun).parameters).toEqual(EXPECTED);
  });

  it("names the expected type with an example, in both commands, and creates no run", async () => {
    const before = (await client.listFlowRuns({}, { limit: 1000 })).items.length;
    for (const [pair, message] of BAD) {
      for (const command of [["run", ENTRYPOINT], ["deployment", "run", "typed/typed-dep"]]) {
        const result = await runCli([...command, "--param", "label=x", "--param", pair], env);
        expect(result.code, `${command.join(" ")} ${pair}`).toBe(2);
        expect(result.stderr.trim()).toBe(message);
      }
    }
    expect((await client.listFlowRuns({}, { limit: 1000 })).items.length).toBe(before);
  });

  it("refuses a parameter the flow does not have in weir run too", async () => {
    const result = await runCli(["run", ENTRYPOINT, "--param", "label=x", "--param", "count=1", "--param", "cuont=2"], env);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("Error: unknown parameter 'cuont' for flow 'typed'; its parameters are: label, count, loud, tags");
  });
});
