/**
 * Resuming a paused run from its page in real Chromium: the run's pause asked for typed input,
 * the page shows a form built from the stored schema, a value of the wrong type is refused with
 * its field named (in the form, and by the server's 422 for a rule only the server checks), and
 * the input sent resumes the run, which gets it back.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { FlowRun } from "../../src/core/models.js";
import { flow, pauseFlowRun } from "../../src/index.js";
import { approve } from "../../test/worker/fixtures/pause-flows.js";
import { useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";
import { useQuietRunLines } from "../../test/helpers/quiet-run-lines.js";

const copies = flow({ name: "approve-copies" }, async () =>
  pauseFlowRun({ input: z.object({ approved: z.boolean(), copies: z.number().int().multipleOf(2) }), timeoutSeconds: 120, pollIntervalSeconds: 0.2 }),
);

describe("resuming a paused run in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();
  useQuietRunLines();

  async function pausedRunOf(flowName: string): Promise<FlowRun> {
    await expect.poll(async () => (await ui.client.listFlowRuns({ flowNames: [flowName] })).items[0]?.stateName, { timeout: 20_000 }).toBe("Paused");
    return (await ui.client.listFlowRuns({ flowNames: [flowName] })).items[0]!;
  }

  it("resumes with { approved, note } from the form, and the flow gets that input", { timeout: 60_000 }, async () => {
    const running = approve.run({ client: ui.client });
    const run = await pausedRunOf("approve");
    const { page } = browser;
    await page.goto(`${ui.server.url}/runs/${run.id}`);
    const form = page.getByTestId("resume-form");
    await form.getByRole("heading", { name: "Resume paused run with input" }).waitFor();
    await form.getByLabel("approved *").check();
    await form.getByLabel("note").fill("ship it");
    await browser.shot("pause-resume-form");
    await form.getByRole("button", { name: "Resume" }).click();
    const outcome = await running;
    expect(outcome.state.name).toBe("Completed");
    expect(outcome.value).toEqual({ approved: true, note: "ship it" });
    await expect.poll(() => page.getByTestId("run-state").textContent()).toContain("Completed");
    expect(await page.getByTestId("resume-form").count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });

  it("refuses a wrong type naming the field, in the form and from the server, then resumes", { timeout: 60_000 }, async () => {
    const running = copies.run({ client: ui.client });
    const run = await pausedRunOf("approve-copies");
    const { page } = browser;
    await page.goto(`${ui.server.url}/runs/${run.id}`);
    const form = page.getByTestId("resume-form");
    await form.getByLabel("copies *").fill("two");
    await form.getByRole("button", { name: "Resume" }).click();
    expect(await form.getByTestId("field-error-copies").textContent()).toBe("copies must be a number");
    // A rule the form does not check: the server's 422 puts its message under the field.
    await form.getByLabel("copies *").fill("3");
    await form.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => form.getByTestId("field-error-copies").textContent()).toBe("copies must be a multiple of 2");
    expect((await ui.client.readFlowRun(run.id)).stateName).toBe("Paused");
    await form.getByLabel("copies *").fill("4");
    await form.getByLabel("approved *").check();
    await form.getByRole("button", { name: "Resume" }).click();
    const outcome = await running;
    expect(outcome.value).toEqual({ approved: true, copies: 4 });
    expect(browser.errors.filter((error) => !error.includes("422"))).toEqual([]);
  });
});
