/**
 * `sleepUntil` and `waitForEvent` in process (a flow called in code: no deployment, so nothing
 * is suspended), on SQLite and PostgreSQL: bad input is refused naming the option, a past time
 * returns at once, a long wait of a run with no deployment sleeps here, an event stored just
 * before the wait is found (lookback), one stored during it ends the wait, and a wait with no
 * event throws a TIMEOUT naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, sleepUntil, waitForEvent } from "../../src/index.js";
import { makeState } from "../../src/core/states.js";
import { openSdkHarness, type SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

async function completedUpstream(): Promise<string> {
  const run = await harness.client.createFlowRun({ flowName: "upstream-in-process", state: makeState("Running") });
  await harness.client.setFlowRunState(run.id, { state: makeState("Completed") });
  return run.id;
}

describe("sleepUntil in process", () => {
  it("refuses a time that is not one, returns at once for a past time, and sleeps here without a deployment", async () => {
    const f = flow("sleepy-in-process", async ({ mode }: { mode: string }) => {
      if (mode === "bad") return sleepUntil("next tuesday");
      if (mode === "past") return sleepUntil(new Date(harness.clock.now().getTime() - 1000));
      const started = harness.clock.now().getTime();
      // Past the threshold, but a run with no deployment cannot be suspended: it sleeps here
      // (the harness's sleep moves its clock; the run stays Running).
      await sleepUntil(started + 600_000, { suspendAfterSeconds: 0 });
      return harness.clock.now().getTime() - started;
    });
    await expect(f({ mode: "bad" })).rejects.toMatchObject({ code: "VALIDATION", message: expect.stringContaining("date") });
    const sleepsBefore = harness.sleeps.length;
    await expect(f({ mode: "past" })).resolves.toBeUndefined();
    expect(harness.sleeps.slice(sleepsBefore)).not.toContain(1000);
    expect(await f({ mode: "long" })).toBeGreaterThanOrEqual(600_000);
    expect(harness.sleeps).toContain(600_000);
  });
});

describe("waitForEvent in process", () => {
  it("refuses a bad name naming it, and is refused outside a run", async () => {
    const f = flow("bad-wait", async () => waitForEvent({ name: "flow-run.*.Completed" }));
    await expect(f({})).rejects.toMatchObject({ code: "VALIDATION", message: expect.stringContaining("name") });
    await expect(waitForEvent({ name: "flow-run.Completed" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("finds an event stored just before the wait and one stored during it; times out naming the wait", async () => {
    const f = flow("waits-in-process", async ({ upstream, timeoutSeconds }: { upstream: string; timeoutSeconds: number }) => {
      const event = await waitForEvent({ name: "flow-run.*", resource: upstream, match: { "state.name": "Completed" }, timeoutSeconds, pollIntervalSeconds: 1 });
      return { event: event.event, resource: event.resource.id };
    });
    const before = await completedUpstream();
    expect(await f({ upstream: before, timeoutSeconds: 10 })).toEqual({ event: "flow-run.Completed", resource: before });

    const later = await harness.client.createFlowRun({ flowName: "upstream-in-process", state: makeState("Running") });
    // The harness's sleep returns at once and moves the fake clock, so a wait's deadline passes
    // in real milliseconds: a long timeout (3,600 polls), and the event is stored once the wait
    // has polled at least once (it sleeps between polls).
    const sleepsBefore = harness.sleeps.length;
    const waiting = f({ upstream: later.id, timeoutSeconds: 3600 });
    while (harness.sleeps.length === sleepsBefore) await new Promise((resolve) => setImmediate(resolve));
    await harness.client.setFlowRunState(later.id, { state: makeState("Completed") });
    expect(await waiting).toEqual({ event: "flow-run.Completed", resource: later.id });

    const never = await harness.client.createFlowRun({ flowName: "upstream-in-process", state: makeState("Running") });
    await expect(f({ upstream: never.id, timeoutSeconds: 1 })).rejects.toMatchObject({
      code: "TIMEOUT",
      message: "waitForEvent('flow-run.*'): no matching event was stored within 1 s",
    });
  });
});
