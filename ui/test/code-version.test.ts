/**
 * A run's page in real Chromium shows the code version its worker pulled (`git:<sha>` or
 * `bundle:<sha256>`, src/worker/code-pull.ts), and no such row for code read in place.
 */
import { describe, expect, it } from "vitest";
import { useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";

describe("a run's code version in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();

  it("shows the version a worker recorded, and nothing for a run without one", async () => {
    const pulled = await ui.client.createFlowRun({ flowName: "pulled-code" });
    const sha = "0123456789abcdef0123456789abcdef01234567";
    // What a worker does once it pulled the run's code.
    await ui.client.heartbeatFlowRun(pulled.id, { codeVersion: `git:${sha}` });
    const inPlace = await ui.client.createFlowRun({ flowName: "pulled-code" });
    const { page } = browser;
    await page.goto(`${ui.server.url}/runs/${pulled.id}`);
    await expect.poll(() => page.getByTestId("run-code-version").textContent()).toBe(`git:${sha}`);
    await page.goto(`${ui.server.url}/runs/${inPlace.id}`);
    await expect.poll(() => page.getByTestId("run-parameters").count()).toBe(1);
    expect(await page.getByTestId("run-code-version").count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });
});
