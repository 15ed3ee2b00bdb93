/**
 * Automations saved before their notification secrets were sealed hold them in clear in the
 * database; the automations service seals them on its first pass, as saving them today would,
 * and leaves sealed or secret-free actions as they are (idempotent). Without a server key it
 * reports that once and leaves the row as it is.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { ActionSpec } from "../../src/core/automations/automation-actions.js";
import { parseAutomationSpec } from "../../src/core/automations/automation-spec.js";
import { initialTriggerState } from "../../src/core/automations/trigger-evaluation.js";
import { toJsonColumn } from "../../src/db/json-column.js";
import { unsealActions, type StoredAction } from "../../src/orchestration/automations/automation-mapper.js";
import { sealClearAutomationActions } from "../../src/orchestration/automations/seal-clear-automation-actions.js";
import { notificationSecretKey } from "../../src/orchestration/notifications/notification-outbox.js";
import type { OrchestrationContext } from "../../src/orchestration/orchestration-context.js";
import { createSecretKeySource } from "../../src/orchestration/secret-key-source.js";
import { createAutomationsService } from "../../src/services/automations-service.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

const previousKey = process.env.WEIR_SECRET_KEY;
process.env.WEIR_SECRET_KEY = "automation-secret-sealing-passphrase-0123456789";
afterAll(() => {
  if (previousKey === undefined) delete process.env.WEIR_SECRET_KEY;
  else process.env.WEIR_SECRET_KEY = previousKey;
});

const { client, opened } = useTestOrchestration();

const CLEAR_ACTIONS: ActionSpec[] = [
  { type: "webhook", url: "http://127.0.0.1:9/hook?token=url-secret-token", headers: { authorization: "Bearer top-secret-token" } },
  { type: "slack", url: "https://hooks.slack.com/services/T000/B000/slack-secret-path" },
  { type: "webhook", url: "http://127.0.0.1:9/plain" },
];
const SECRETS = ["url-secret-token", "top-secret-token", "slack-secret-path"];

/** Insert an automation as the code before sealing stored it: its actions in clear. */
async function insertClearAutomation(ctx: OrchestrationContext, name: string, actions: ActionSpec[]): Promise<string> {
  const spec = parseAutomationSpec({ name, trigger: { expect: "flow-run.Failed" }, actions });
  const id = crypto.randomUUID();
  const now = ctx.clock.now().toISOString();
  await ctx.database.db
    .insertInto("automations")
    .values({
      id,
      name,
      description: null,
      is_enabled: 1,
      trigger_spec: toJsonColumn(spec.trigger),
      actions: toJsonColumn(spec.actions),
      deployment_id: null,
      trigger_state: toJsonColumn(initialTriggerState(ctx.clock.now())),
      event_cursor: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

const actionsText = async (id: string): Promise<string> => (await opened.context.database.db.selectFrom("automations").select("actions").where("id", "=", id).executeTakeFirstOrThrow()).actions;

describe("automations saved with secrets in clear", () => {
  it("are sealed once, as a save would seal them; sealed and secret-free ones are left alone", async () => {
    const ctx = opened.context;
    const clearId = await insertClearAutomation(ctx, "saved-before-sealing", CLEAR_ACTIONS);
    const plainId = await insertClearAutomation(ctx, "no-secrets", [{ type: "webhook", url: "http://127.0.0.1:9/plain" }]);
    const saved = await client.createAutomation({ name: "saved-sealed", trigger: { expect: "flow-run.Failed" }, actions: CLEAR_ACTIONS });
    const [plainBefore, savedBefore] = [await actionsText(plainId), await actionsText(saved.id)];
    for (const secret of SECRETS) expect(await actionsText(clearId)).toContain(secret);

    expect(await sealClearAutomationActions(ctx)).toBe(1);
    const sealed = await actionsText(clearId);
    for (const secret of SECRETS) expect(sealed).not.toContain(secret);
    const stored = JSON.parse(sealed) as StoredAction[];
    expect(stored.map((action) => typeof action.$sealed)).toEqual(["string", "string", "undefined"]);
    expect(unsealActions(stored, clearId, notificationSecretKey(ctx))).toEqual(CLEAR_ACTIONS);
    // The API shows it as it showed it before: redacted.
    expect((await client.readAutomation(clearId)).actions).toEqual(saved.actions);
    expect(await actionsText(plainId)).toBe(plainBefore);
    expect(await actionsText(saved.id)).toBe(savedBefore);

    expect(await sealClearAutomationActions(ctx)).toBe(0);
    expect(await actionsText(clearId)).toBe(sealed);
  });

  it("are sealed by the automations service's first pass; without a server key it says so once and keeps them", async () => {
    const now = () => opened.context.clock.now();
    const signal = new AbortController().signal;
    const noKey = createSecretKeySource({ allowsKeyFile: false, env: {} });
    const withoutKeyId = await insertClearAutomation(opened.context, "no-key-yet", CLEAR_ACTIONS);
    const errors: unknown[] = [];
    const keyless = createAutomationsService({ ...opened.context, secretKey: noKey }, { intervalMs: 1000, onError: (error) => errors.push(error) });
    await keyless.tick({ now: now(), signal });
    await keyless.tick({ now: now(), signal });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/notification actions need a server key/) });
    expect(await actionsText(withoutKeyId)).toContain("top-secret-token");

    const service = createAutomationsService(opened.context, { intervalMs: 1000, onError: (error) => errors.push(error) });
    await service.tick({ now: now(), signal });
    expect(errors).toHaveLength(1);
    for (const secret of SECRETS) expect(await actionsText(withoutKeyId)).not.toContain(secret);
  });
});
