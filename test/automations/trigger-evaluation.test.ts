/** The automation form's validation and the pure trigger decisions, with times given explicitly. */
import { describe, expect, it } from "vitest";
import { parseAutomationSpec, parseAutomationText } from "../../src/core/automations/automation-spec.js";
import {
  eventMatchesTrigger,
  initialTriggerState,
  proactiveDue,
  proactiveStep,
  reactiveStep,
  type AutomationEvent,
} from "../../src/core/automations/trigger-evaluation.js";
import { isWeirError } from "../../src/core/weir-error.js";

const ISSUE_YAML = `
name: tell-me-when-greeting-fails
trigger:
  expect: [flow-run.Failed, flow-run.Crashed]
  match: { flow: greeting }
actions:
  - type: webhook
    url: http://127.0.0.1:9999/hook
`;

function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (isWeirError(error) && error.code === "VALIDATION") return error.details?.issues as { path: string; message: string }[];
    throw error;
  }
  throw new Error("expected a VALIDATION error");
}

let sequence = 0;
function event(name: string, at: string, resource: AutomationEvent["resource"] = { flow: "greeting" }): AutomationEvent {
  sequence += 1;
  return { id: `e${sequence}`, name, occurredAt: at, resource };
}

describe("automation form", () => {
  it("accepts the issue's YAML and compiles it to canonical form", () => {
    const spec = parseAutomationText(ISSUE_YAML);
    expect(spec).toEqual({
      name: "tell-me-when-greeting-fails",
      description: null,
      enabled: true,
      trigger: { posture: "reactive", expect: ["flow-run.Failed", "flow-run.Crashed"], match: { flow: ["greeting"] }, threshold: 1, within: 0 },
      actions: [{ type: "webhook", url: "http://127.0.0.1:9999/hook" }],
    });
  });

  it("accepts the same automation as JSON, with durations like 26h and 5m", () => {
    const spec = parseAutomationText(
      JSON.stringify({
        name: "daily-missed",
        trigger: { posture: "proactive", expect: "flow-run.Completed", match: { deployment: "data-preprocessing/daily" }, within: "26h" },
        actions: [{ type: "run-deployment", deployment: "data-preprocessing/daily", parameters: { day: "today" } }],
      }),
    );
    expect(spec.trigger).toEqual({ posture: "proactive", expect: ["flow-run.Completed"], match: { deployment: ["data-preprocessing/daily"] }, threshold: 1, within: 26 * 3600 });
    expect(parseAutomationSpec({ name: "a", trigger: { expect: "flow-run.*", threshold: 3, within: "5m" }, actions: [{ type: "cancel-flow-run" }] }).trigger.within).toBe(300);
  });

  it("parses its own canonical form again to the same form", () => {
    const spec = parseAutomationText(ISSUE_YAML);
    expect(parseAutomationSpec(spec)).toEqual(spec);
    expect(issuesOf(() => parseAutomationSpec({ ...spec, trigger: { ...spec.trigger, posture: "proactive" } }))[0]?.path).toBe("trigger.within");
  });

  it("names each bad field", () => {
    const issues = issuesOf(() =>
      parseAutomationSpec({ name: "", trigger: { expect: ["Failed!"], within: "soon", posture: "sometimes", extra: 1 }, actions: [{ type: "fax", number: "1" }] }),
    );
    const paths = issues.map((issue) => issue.path);
    expect(paths).toContain("name");
    expect(paths).toContain("trigger.posture");
    expect(paths).toContain("trigger.extra");
    expect(paths).toContain("actions.0.type");
    expect(issues.find((issue) => issue.path === "actions.0.type")?.message).toMatch(/webhook.*run-deployment.*retry-flow-run/);
    expect(issuesOf(() => parseAutomationSpec({ name: "a", trigger: { expect: ["Failed!"], within: "soon" }, actions: [{ type: "cancel-flow-run" }] }))).toEqual([
      { path: "trigger.expect.0", message: expect.stringMatching(/not an event name/) },
      { path: "trigger.within", message: expect.stringMatching(/duration/) },
    ]);
    expect(issuesOf(() => parseAutomationSpec({ name: "a", trigger: { expect: "flow-run.Completed", posture: "proactive" }, actions: [{ type: "cancel-flow-run" }] }))[0]?.path).toBe("trigger.within");
    expect(issuesOf(() => parseAutomationSpec({ name: "a", trigger: { expect: "flow-run.Failed" }, actions: [{ type: "webhook", url: "ftp://x" }] }))[0]?.path).toBe("actions.0.url");
    expect(issuesOf(() => parseAutomationSpec({ name: "a", trigger: { expect: "flow-run.Failed" }, actions: [] }))[0]?.path).toBe("actions");
    expect(issuesOf(() => parseAutomationText("name: [unclosed"))[0]?.path).toBe("(yaml)");
  });
});

describe("reactive triggers", () => {
  const trigger = parseAutomationText(ISSUE_YAML).trigger;

  it("match event names and resources", () => {
    expect(eventMatchesTrigger(trigger, event("flow-run.Failed", "2026-01-01T00:00:00Z"))).toBe(true);
    expect(eventMatchesTrigger(trigger, event("flow-run.Completed", "2026-01-01T00:00:00Z"))).toBe(false);
    expect(eventMatchesTrigger(trigger, event("flow-run.Failed", "2026-01-01T00:00:00Z", { flow: "other" }))).toBe(false);
    const tagged = parseAutomationSpec({ name: "t", trigger: { expect: "flow-run.*", match: { tags: ["a", "b"], deployment: "greeting/daily", workPool: ["default", "gpu"] } }, actions: [{ type: "cancel-flow-run" }] }).trigger;
    const resource = { flow: "greeting", deployment: "greeting/daily", workPool: "gpu", tags: ["a", "b", "c"] };
    expect(eventMatchesTrigger(tagged, event("flow-run.Late", "2026-01-01T00:00:00Z", resource))).toBe(true);
    expect(eventMatchesTrigger(tagged, event("flow-run.Late", "2026-01-01T00:00:00Z", { ...resource, tags: ["a"] }))).toBe(false);
    expect(eventMatchesTrigger(tagged, event("flow-run.Late", "2026-01-01T00:00:00Z", { ...resource, workPool: "cpu" }))).toBe(false);
    expect(eventMatchesTrigger(tagged, event("deployment.updated", "2026-01-01T00:00:00Z", resource))).toBe(false);
  });

  it("fire on each matching event with the default threshold of 1", () => {
    const failed = event("flow-run.Failed", "2026-01-01T00:00:00Z");
    const step = reactiveStep(trigger, initialTriggerState(new Date(0)), failed);
    expect(step.firing).toMatchObject({ key: `event:${failed.id}`, event: failed });
    expect(reactiveStep(trigger, step.state, event("flow-run.Completed", "2026-01-01T00:00:01Z")).firing).toBeNull();
  });

  it("fire when the threshold is reached within the window, then start over", () => {
    const three = parseAutomationSpec({ name: "t", trigger: { expect: "flow-run.Failed", threshold: 3, within: "10m" }, actions: [{ type: "cancel-flow-run" }] }).trigger;
    let state = initialTriggerState(new Date(0));
    const times = ["00:00", "00:11", "00:15", "00:19", "00:20", "00:21", "00:35"];
    const fired: string[] = [];
    for (const time of times) {
      const step = reactiveStep(three, state, event("flow-run.Failed", `2026-01-01T${time}:00Z`));
      state = step.state;
      if (step.firing) fired.push(time);
    }
    // 00:00 falls out of the window before 00:11 and 00:15 are joined by 00:19 → fire at 00:19;
    // then 00:20 and 00:21 make two, and 00:35 comes after both left the window.
    expect(fired).toEqual(["00:19"]);
    expect(state.recent.map((seen) => seen.occurredAt)).toEqual(["2026-01-01T00:35:00Z"]);
  });
});

describe("proactive triggers", () => {
  const trigger = parseAutomationSpec({
    name: "daily-missed",
    trigger: { posture: "proactive", expect: "flow-run.Completed", match: { deployment: "data-preprocessing/daily" }, within: "26h" },
    actions: [{ type: "cancel-flow-run" }],
  }).trigger;
  const completed = (at: string) => event("flow-run.Completed", at, { deployment: "data-preprocessing/daily" });

  it("fire once when the expected event is absent for the window, and again only after it came back", () => {
    let state = initialTriggerState(new Date("2026-01-01T00:00:00Z"));
    state = proactiveStep(trigger, state, completed("2026-01-01T06:00:00Z"));
    expect(proactiveDue(trigger, state, new Date("2026-01-02T07:59:59Z")).firing).toBeNull();
    const due = proactiveDue(trigger, state, new Date("2026-01-02T08:00:00Z"));
    expect(due.firing).toMatchObject({ key: "absent-since:2026-01-01T06:00:00Z", event: null });
    state = due.state;
    expect(proactiveDue(trigger, state, new Date("2026-01-05T00:00:00Z")).firing).toBeNull();
    state = proactiveStep(trigger, state, completed("2026-01-05T01:00:00Z"));
    expect(proactiveDue(trigger, state, new Date("2026-01-06T03:00:00Z")).firing?.key).toBe("absent-since:2026-01-05T01:00:00Z");
  });

  it("ignore events that do not match, and older events", () => {
    let state = initialTriggerState(new Date("2026-01-01T00:00:00Z"));
    state = proactiveStep(trigger, state, event("flow-run.Completed", "2026-01-01T05:00:00Z", { deployment: "other/daily" }));
    state = proactiveStep(trigger, state, completed("2025-12-31T00:00:00Z"));
    expect(state.armedSince).toBe("2026-01-01T00:00:00.000Z");
    expect(proactiveDue(trigger, state, new Date("2026-01-02T02:00:00Z")).firing).not.toBeNull();
  });
});
