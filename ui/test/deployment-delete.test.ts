/**
 * Deleting a deployment from its page in real Chromium against a real server (SQLite): the
 * button asks first (Keep leaves it), then the deployment is gone through the REST API, the page
 * goes back to the deployments list, and its run still waiting to be claimed ends Cancelled.
 */
import { describe, expect, it } from "vitest";
import { openGreetingDeploymentPage, useBrowserPage, useUiServer } from "./helpers/use-browser-page.js";

describe("deleting a deployment in Chromium", () => {
  const ui = useUiServer();
  const browser = useBrowserPage();

  it("asks, keeps it on Keep, deletes it on confirmation and cancels its waiting run", async () => {
    const { client, server } = ui;
    const { page } = browser;
    const deployment = await openGreetingDeploymentPage(ui, page, { name: "doomed", schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } }] });
    const waiting = await client.createDeploymentFlowRun(deployment.id);

    await page.getByRole("button", { name: "Delete deployment greeting/doomed" }).click();
    const question = page.getByRole("group", { name: "Confirm deleting deployment greeting/doomed" });
    expect(await question.textContent()).toContain("Delete deployment greeting/doomed? Its schedules go, runs waiting to be claimed end Cancelled, past runs stay.");
    await browser.shot("deployment-delete-confirm");
    await question.getByRole("button", { name: "Keep" }).click();
    expect((await client.readDeployment(deployment.id)).name).toBe("doomed");

    await page.getByRole("button", { name: "Delete deployment greeting/doomed" }).click();
    await page.getByRole("button", { name: "Yes, delete deployment greeting/doomed" }).click();
    await page.waitForURL(`${server.url}/deployments`);
    await expect(client.readDeployment(deployment.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await client.readFlowRun(waiting.id)).stateName).toBe("Cancelled");
    expect(browser.errors).toEqual([]);
  });
});
