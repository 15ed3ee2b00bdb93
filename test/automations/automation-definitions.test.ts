/**
 * Where automations are defined, on both databases: the API (names taken are 409, secrets of
 * notification actions read `****` and survive an edit that sends them back), and `triggers:`
 * under a weir.yaml deployment (match bound to it, replaced on each apply, errors with lines).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isWeirError } from "../../src/core/weir-error.js";
import { applyDeploymentFile, parseDeploymentFile } from "../../src/sdk/deployment-file.js";
import { REPO_ROOT } from "../helpers/run-process.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

const { database, client, opened } = useTestOrchestration();

describe("automation definitions", () => {
  it("refuses a taken name and keeps notification secrets write-only", async () => {
    const form = {
      name: "with-secrets",
      trigger: { expect: "flow-run.Failed" },
      actions: [{ type: "webhook" as const, url: "http://127.0.0.1:9/hook", headers: { authorization: "Bearer top-secret-token" } }],
    };
    const created = await client.createAutomation(form);
    expect(created.actions).toEqual([{ type: "webhook", url: "http://127.0.0.1:9/hook", headers: { authorization: "****" } }]);
    expect(JSON.stringify(await client.listAutomations())).not.toContain("top-secret-token");
    await expect(client.createAutomation(form)).rejects.toMatchObject({ code: "CONFLICT" });
    // The dashboard sends the form back as shown: the stored secret stays.
    await client.updateAutomation("with-secrets", { ...form, description: "edited", actions: created.actions });
    const row = await opened.context.database.db.selectFrom("automations").select("actions").where("name", "=", "with-secrets").executeTakeFirstOrThrow();
    expect(JSON.parse(row.actions)).toEqual(form.actions);
    expect((await client.readAutomation(created.id)).description).toBe("edited");
  });

  it("applies a weir.yaml deployment's triggers bound to it, and replaces them on the next apply", async () => {
    const dir = join(database.dir, "project");
    mkdirSync(dir, { recursive: true });
    // A project outside the repository reaches the SDK by path (no `weirflow` package installed there).
    writeFileSync(join(dir, "flows.ts"), `import { flow } from ${JSON.stringify(join(REPO_ROOT, "src/index.ts"))};\nexport const daily = flow({ name: "data-preprocessing" }, async () => 1);\n`);
    const file = join(dir, "weir.yaml");
    const yaml = (triggers: string) => `deployments:\n  - name: daily\n    entrypoint: flows.ts:daily\n    triggers:\n${triggers}`;
    writeFileSync(
      file,
      yaml(`      - name: daily-missed
        trigger: { posture: proactive, expect: flow-run.Completed, within: 26h }
        actions: [{ type: run-deployment, parameters: { catchUp: true } }]
      - trigger: { expect: flow-run.Failed }
        actions: [{ type: retry-flow-run }]
`),
    );
    const [deployment] = await applyDeploymentFile({ file, client });
    const owned = (await client.listAutomations()).filter((automation) => automation.deploymentId === deployment!.id);
    expect(owned.map((automation) => [automation.name, automation.trigger.match])).toEqual([
      ["daily-missed", { deployment: ["data-preprocessing/daily"] }],
      ["data-preprocessing/daily#2", { deployment: ["data-preprocessing/daily"] }],
    ]);
    expect(owned[0]!.trigger).toMatchObject({ posture: "proactive", within: 93_600 });
    writeFileSync(file, yaml(`      - name: daily-missed\n        trigger: { posture: proactive, expect: flow-run.Completed, within: 25h }\n        actions: [{ type: pause-deployment }]\n`));
    await applyDeploymentFile({ file, client });
    const after = (await client.listAutomations()).filter((automation) => automation.deploymentId === deployment!.id);
    expect(after.map((automation) => [automation.name, automation.trigger.within, automation.actions[0]!.type])).toEqual([["daily-missed", 90_000, "pause-deployment"]]);
    await client.deleteDeployment(deployment!.id);
    expect((await client.listAutomations()).filter((automation) => automation.name === "daily-missed")).toEqual([]);
  });

  it("names a bad trigger field of weir.yaml with its line", () => {
    const text = "deployments:\n  - name: daily\n    entrypoint: flows.ts:daily\n    triggers:\n      - trigger: { expect: flow-run.Completed, posture: proactive, match: { deployment: x/y } }\n        actions: [{ type: fax }]\n";
    try {
      parseDeploymentFile(text, "/tmp");
      throw new Error("expected a VALIDATION error");
    } catch (error) {
      if (!isWeirError(error)) throw error;
      const paths = (error.details?.issues as { path: string }[]).map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(["deployments.0.triggers.0.trigger.match.deployment (line 5)", "deployments.0.triggers.0.actions.0.type (line 6)"]));
    }
  });
});
