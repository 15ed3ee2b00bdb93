/**
 * The Automations page in real Chromium against a real server (SQLite): create an automation from
 * its YAML (a bad field is named), see it listed, disable and enable it, edit it, see its firing
 * history with each action's outcome, and delete it.
 */
import { describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import { evaluateAutomations } from "../../src/orchestration/automations/evaluate-automations.js";
import { useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";

const YAML = `name: tell-me-when-greeting-fails
trigger:
  expect: [flow-run.Failed, flow-run.Crashed]
  match: { flow: ui-greeting }
actions:
  - type: webhook
    url: http://127.0.0.1:9/hook
`;

describe("automations page in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();

  it("creates, lists, disables, enables, edits, shows firings and deletes", { timeout: 60_000 }, async () => {
    const { client, server } = ui;
    const { page } = browser;
    await page.goto(`${server.url}/automations`);
    await page.getByText("No automations").waitFor();

    const form = page.getByLabel("Automation YAML or JSON");
    await form.fill("name: bad\ntrigger: { expect: flow-run.Failed, whenever: 1 }\nactions: [{ type: cancel-flow-run }]\n");
    await page.getByRole("button", { name: "Create automation" }).click();
    await page.getByText(/whenever/).first().waitFor();

    await form.fill(YAML);
    await page.getByRole("button", { name: "Create automation" }).click();
    const row = page.getByTestId("automations").getByRole("row").filter({ hasText: "tell-me-when-greeting-fails" });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/yes.*flow-run\.Failed\|flow-run\.Crashed \(flow=ui-greeting\).*webhook/);
    expect((await client.readAutomation("tell-me-when-greeting-fails")).trigger.match).toEqual({ flow: ["ui-greeting"] });

    await page.getByRole("button", { name: "Disable tell-me-when-greeting-fails" }).click();
    await expect.poll(async () => (await client.readAutomation("tell-me-when-greeting-fails")).isEnabled).toBe(false);
    await page.getByRole("button", { name: "Enable tell-me-when-greeting-fails" }).click();
    await expect.poll(async () => (await client.readAutomation("tell-me-when-greeting-fails")).isEnabled).toBe(true);

    await page.getByRole("button", { name: "Edit tell-me-when-greeting-fails" }).click();
    expect(await form.inputValue()).toContain("ui-greeting");
    await form.fill((await form.inputValue()).replace("flow-run.Crashed", "flow-run.TimedOut"));
    await page.getByRole("button", { name: "Save tell-me-when-greeting-fails" }).click();
    await expect.poll(async () => (await client.readAutomation("tell-me-when-greeting-fails")).trigger.expect).toEqual(["flow-run.Failed", "flow-run.TimedOut"]);

    // A real firing: a failed run of the flow, and one pass of the automations service.
    const run = await client.createFlowRun({ flowName: "ui-greeting" });
    await client.setFlowRunState(run.id, { state: makeState("Running", { now: new Date() }) });
    await client.setFlowRunState(run.id, { state: makeState("Failed", { now: new Date(), message: "boom" }) });
    expect((await evaluateAutomations(server.context, new Date())).firings).toHaveLength(1);
    await page.getByRole("button", { name: "History of tell-me-when-greeting-fails" }).click();
    const firing = page.getByTestId("automation-firings").getByRole("row").filter({ hasText: "flow-run.Failed" });
    await firing.waitFor();
    expect(await firing.textContent()).toMatch(/webhook: done/);
    await browser.shot("automations");

    await page.getByRole("button", { name: "Delete tell-me-when-greeting-fails" }).click();
    await page.getByText("No automations").waitFor();
    expect(await client.listAutomations()).toEqual([]);
  });
});
