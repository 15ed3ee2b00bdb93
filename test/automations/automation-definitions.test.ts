/**
 * Where automations are defined, on both databases: the API (names taken are 409, secrets of
 * notification actions read `****`, are stored sealed under WEIR_SECRET_KEY (the row holds no
 * secret in clear) and survive an edit that sends them back), and `triggers:`
 * under a weir.yaml deployment (match bound to it, replaced on each apply, errors with lines).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isWeirError } from "../../src/core/weir-error.js";
import { unsealActions, type StoredAction } from "../../src/orchestration/automations/automation-mapper.js";
import { notificationSecretKey } from "../../src/orchestration/notifications/notification-outbox.js";
import { applyDeploymentFile, parseDeploymentFile } from "../../src/sdk/deployment-file.js";
import { REPO_ROOT } from "../helpers/run-process.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

const previousKey = process.env.WEIR_SECRET_KEY;
process.env.WEIR_SECRET_KEY = "automation-definitions-passphrase-0123456789";
afterAll(() => {
  if (previousKey === undefined) delete process.env.WEIR_SECRET_KEY;
  else process.env.WEIR_SECRET_KEY = previousKey;
});

const { database, client, opened } = useTestOrchestration();

describe("automation definitions", () => {
  it("refuses a taken name and keeps notification secrets write-only", async () => {
    const form = {
      name: "with-secrets",
      trigger: { expect: "flow-run.Failed" },
      actions: [
        { type: "webhook" as const, url: "http://127.0.0.1:9/hook?token=url-secret-token", headers: { authorization: "Bearer top-secret-token" } },
        { type: "slack" as const, url: "https://hooks.slack.com/services/T000/B000/slack-secret-path" },
        { type: "email" as const, to: "ops@example.com", smtp: "smtp://mailer:smtp-secret-password@127.0.0.1:2525" },
        { type: "webhook" as const, url: "http://127.0.0.1:9/plain" },
      ],
    };
    const secrets = ["url-secret-token", "top-secret-token", "slack-secret-path", "smtp-secret-password"];
    const rawRow = async () => (await opened.context.database.db.selectFrom("automations").select(["id", "actions"]).where("name", "=", "with-secrets").executeTakeFirstOrThrow());
    const created = await client.createAutomation(form);
    expect(created.actions).toEqual([
      { type: "webhook", url: "http://127.0.0.1:9/hook?****", headers: { authorization: "****" } },
      { type: "slack", url: "https://hooks.slack.com/****" },
      { type: "email", to: "ops@example.com", smtp: "smtp://mailer:****@127.0.0.1:2525" },
      { type: "webhook", url: "http://127.0.0.1:9/plain" },
    ]);
    const listed = JSON.stringify(await client.listAutomations());
    // At rest: the row holds the redacted actions and the sealed form, no secret in clear.
    const stored = await rawRow();
    for (const secret of secrets) {
      expect(listed).not.toContain(secret);
      expect(stored.actions).not.toContain(secret);
    }
    const storedActions = JSON.parse(stored.actions) as StoredAction[];
    expect(storedActions.map((action) => typeof action.$sealed)).toEqual(["string", "string", "string", "undefined"]);
    // Only the server key opens them, and only at their own automation and place.
    expect(unsealActions(storedActions, stored.id, notificationSecretKey(opened.context))).toEqual(form.actions);
    expect(() => unsealActions(storedActions, crypto.randomUUID(), notificationSecretKey(opened.context))).toThrow(/cannot read the secrets/);
    await expect(client.createAutomation(form)).rejects.toMatchObject({ code: "CONFLICT" });
    // The dashboard sends the form back as shown: the stored secrets stay (still sealed).
    await client.updateAutomation("with-secrets", { ...form, description: "edited", actions: created.actions });
    const edited = await rawRow();
    for (const secret of secrets) expect(edited.actions).not.toContain(secret);
    expect(unsealActions(JSON.parse(edited.actions) as StoredAction[], edited.id, notificationSecretKey(opened.context))).toEqual(form.actions);
    expect((await client.readAutomation(created.id)).description).toBe("edited");
    // A new secret replaces the old one.
    const changed = [{ ...form.actions[0]!, headers: { authorization: "Bearer next-secret-token" } }];
    await client.updateAutomation("with-secrets", { ...form, actions: changed });
    const replaced = await rawRow();
    expect(replaced.actions).not.toContain("next-secret-token");
    expect(unsealActions(JSON.parse(replaced.actions) as StoredAction[], replaced.id, notificationSecretKey(opened.context))).toEqual(changed);
    expect((await client.readAutomation(created.id)).actions).toEqual([{ type: "webhook", url: "http://127.0.0.1:9/hook?****", headers: { authorization: "****" } }]);
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
