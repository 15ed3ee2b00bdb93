/** Pure dashboard logic: late-run reasons, JSON-Schema form parsing, server issue mapping, safe markdown. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { FlowRun, Worker, WorkPool, WorkQueue } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { MarkdownView } from "../src/components/markdown-view.js";
import { issuesByField, parseFields, schemaFields } from "../src/lib/json-schema-fields.js";
import { lateReason } from "../src/lib/late-reason.js";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const pool = (patch: Partial<WorkPool> = {}): WorkPool => ({ id: "p", name: "main", type: "process", description: null, isPaused: false, concurrencyLimit: null, createdAt: "", updatedAt: "", ...patch });
const queue = (patch: Partial<WorkQueue> = {}): WorkQueue => ({ id: "q", workPoolId: "p", workPoolName: "main", name: "default", description: null, priority: 1, concurrencyLimit: null, isPaused: false, lastPolledAt: new Date(NOW - 5_000).toISOString(), createdAt: "", updatedAt: "", ...patch });
const worker = (patch: Partial<Worker> = {}): Worker => ({ id: "w", name: "w1", workPoolName: "main", status: "ONLINE", lastHeartbeatAt: new Date(NOW).toISOString(), heartbeatIntervalSeconds: 10, createdAt: "", ...patch });
function lateRun(patch: Partial<FlowRun> = {}): FlowRun {
  const state = makeState("Late");
  return { workPoolName: "main", workQueueName: "default", deploymentId: "d", state, stateType: state.type, stateName: state.name, ...patch } as FlowRun;
}

describe("lateReason", () => {
  const cases: [string, FlowRun, WorkPool[], WorkQueue[], Worker[], RegExp][] = [
    ["paused pool", lateRun(), [pool({ isPaused: true })], [queue()], [worker()], /pool 'main' is paused/],
    ["paused queue", lateRun(), [pool()], [queue({ isPaused: true })], [worker()], /queue 'default' is paused/],
    ["no worker", lateRun(), [pool()], [queue()], [], /No worker is polling pool 'main'.*weir worker start --pool main/],
    ["offline worker", lateRun(), [pool()], [queue()], [worker({ status: "OFFLINE" })], /No worker is polling pool 'main'/],
    ["queue not polled", lateRun(), [pool()], [queue({ lastPolledAt: null })], [worker()], /No worker is polling queue 'default'/],
    ["missing pool", lateRun(), [], [], [], /Work pool 'main' does not exist/],
    ["concurrency slot", lateRun({ stateName: "AwaitingConcurrencySlot", state: { ...makeState("AwaitingConcurrencySlot"), message: "deployment limit 1 reached" } }), [pool()], [queue()], [worker()], /Concurrency slot taken: deployment limit 1 reached/],
    ["queue limit", lateRun(), [pool()], [queue({ concurrencyLimit: 2 })], [worker()], /queue limit \(2\)/],
  ];
  it.each(cases)("explains a %s", (_label, run, pools, queues, workers, expected) => {
    expect(lateReason(run, { pools, queues, workers, now: NOW })).toMatch(expected);
  });
});

describe("parameter form fields", () => {
  const schema = {
    type: "object",
    properties: {
      name: { type: "string", minLength: 2 },
      times: { type: "integer", minimum: 1, maximum: 5 },
      loud: { type: "boolean" },
      mode: { enum: ["a", "b"] },
      extra: { type: "object" },
    },
    required: ["name", "times"],
  };
  const fields = schemaFields(schema);

  it("generates one field per property with its kind", () => {
    expect(fields.map((f) => [f.name, f.kind, f.isRequired])).toEqual([
      ["name", "string", true],
      ["times", "integer", true],
      ["loud", "boolean", false],
      ["mode", "enum", false],
      ["extra", "json", false],
    ]);
  });

  it("parses good input into typed values", () => {
    const { values, errors } = parseFields(fields, { name: "Ada", times: "3", loud: "true", mode: "b", extra: '{"k":1}' });
    expect(errors).toEqual({});
    expect(values).toEqual({ name: "Ada", times: 3, loud: true, mode: "b", extra: { k: 1 } });
  });

  it("names every bad field", () => {
    const { errors } = parseFields(fields, { name: "A", times: "2.5", loud: "false", extra: "{nope" });
    expect(errors).toEqual({ name: "must have at least 2 characters", times: "must be an integer", extra: "must be valid JSON" });
    expect(parseFields(fields, { name: "", times: "9" }).errors).toEqual({ name: "is required", times: "must be ≤ 5" });
  });

  it("maps server issues onto fields", () => {
    expect(issuesByField([{ path: "parameters.times" as unknown as string[], message: "must be ≤ 5" }, { path: ["parameters", "name"], message: "is required" }, { path: ["parameters"], message: "bad" }])).toEqual({
      times: "must be ≤ 5",
      name: "is required",
      "": "bad",
    });
  });
});

describe("MarkdownView", () => {
  const render = (text: string): string => renderToStaticMarkup(createElement(MarkdownView, { text }));

  it("renders headings, emphasis, lists, tables and safe links", () => {
    const html = render("# Title\n\nSome **bold** and `code`.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[docs](https://example.com)");
    expect(html).toContain("<h3>Title</h3>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<li>two</li>");
    expect(html).toContain("<td>2</td>");
    expect(html).toContain('href="https://example.com"');
  });

  it("never lets markup or script URLs through", () => {
    const html = render('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))');
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("javascript:");
  });

  it("renders GitHub-flavoured markdown: aligned tables, task lists, strikethrough, autolinks", () => {
    const html = render("| col | n |\n|:--|--:|\n| a | 1 |\n\n- [x] done\n- [ ] open\n\n~~old~~ see https://example.org");
    expect(html).toContain('<td style="text-align:right">1</td>');
    expect(html).toMatch(/<input[^>]*checked[^>]*disabled|<input[^>]*disabled[^>]*checked/);
    expect(html).toContain("<del>old</del>");
    expect(html).toContain('href="https://example.org"');
  });
});
