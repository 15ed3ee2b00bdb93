/**
 * A failed run's page in real Chromium shows why it failed: the log panel has the task's
 * "Encountered exception" ERROR line with its stack and the final "Finished in state Failed(…)"
 * line (it used to say "No logs yet": nothing was written for a failure).
 */
import { describe, expect, it } from "vitest";
import { hopeless } from "../../test/cli/fixtures/typed-and-flaky.js";
import { useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";
import { useQuietRunLines } from "../../test/helpers/quiet-run-lines.js";

describe("a failed run's logs in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();
  // The run's lines are printed too; the test output stays quiet.
  useQuietRunLines();

  it("shows the exception with its stack and the final state in the log panel", async () => {
    const outcome = await hopeless.run({ client: ui.client });
    expect(outcome.state.name).toBe("Failed");
    const runs = await ui.client.listFlowRuns({ flowNames: ["hopeless"] });
    const run = runs.items[0]!;
    const { page } = browser;
    await page.goto(`${ui.server.url}/runs/${run.id}`);
    const logs = page.getByTestId("logs");
    await expect.poll(() => logs.textContent()).toContain("Finished in state Failed('the valve is stuck')");
    const text = (await logs.textContent()) ?? "";
    expect(text).not.toContain("No logs yet");
    expect(text).toContain("Encountered exception during execution: Error: the valve is stuck");
    expect(text).toContain("Retrying task 'hopeless-step' (attempt 2 of 2) in 0 s");
    expect(text).toMatch(/at .*typed-and-flaky\.ts:\d+:\d+/);
    const errorLine = page.locator(".log-line.level-ERROR", { hasText: "Encountered exception" }).first();
    // The stack is shown on lines of its own, not cut to one row.
    expect((await errorLine.boundingBox())?.height ?? 0).toBeGreaterThan(40);
    // The run's error box prints the error's head once, then its stack.
    expect(await page.locator("pre.error-stack").textContent()).toMatch(/^Error: the valve is stuck\n\s+at /);
    await browser.shot("failed-run-logs");
    expect(browser.errors).toEqual([]);
  });
});
