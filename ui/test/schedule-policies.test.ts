/**
 * The deployment page shows the scheduling policies in words (catch-up after downtime, overlap)
 * and a schedule's own overrides, in real Chromium against a real server.
 */
import { describe, expect, it } from "vitest";
import { openGreetingDeploymentPage, useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";

describe("scheduling policies on the deployment page in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();

  it("explains the deployment's catch-up and overlap policies and a schedule's overrides", async () => {
    const { client } = ui;
    const { page } = browser;
    const deployment = await openGreetingDeploymentPage(ui, page, {
      name: "hourly-report",
      catchup: "all",
      catchupWindow: "6h",
      overlap: "buffer-one",
      schedules: [{ schedule: { cron: "0 * * * *" } }, { schedule: { interval: 600 }, catchup: "latest", overlap: "skip" }],
    });
    expect(await page.getByTestId("catchup-policy").textContent()).toBe("all — after downtime, every missed slot within the last 6h runs, oldest first, within the concurrency limit");
    expect(await page.getByTestId("overlap-policy").textContent()).toBe("buffer-one — one run waits for the active one; slots due meanwhile are skipped");
    expect(await page.getByTestId("schedule-policies").allTextContents()).toEqual(["catch-up latest · overlap skip"]);
    await browser.shot("deployment-schedule-policies");

    await client.updateDeployment(deployment.id, { catchup: "skip", overlap: "cancel-other" });
    await page.reload();
    await page.getByTestId("catchup-policy").waitFor();
    expect(await page.getByTestId("catchup-policy").textContent()).toBe("skip — slots missed while the server was down do not run");
    expect(await page.getByTestId("overlap-policy").textContent()).toBe("cancel-other — a slot that comes due cancels the active run");
    expect(browser.errors).toEqual([]);
  });
});
