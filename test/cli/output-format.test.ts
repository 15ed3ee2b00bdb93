import { describe, expect, it } from "vitest";
import { formatDuration } from "../../src/cli/output/format-duration.js";
import { formatRelativeTime } from "../../src/cli/output/format-relative-time.js";
import { formatFields, formatTable } from "../../src/cli/output/format-table.js";
import { formatState } from "../../src/cli/output/state-colour.js";
import { paint, visibleLength } from "../../src/cli/output/terminal-style.js";
import { parseStateFilter } from "../../src/cli/flow-runs/parse-state-filter.js";
import { parametersForSchema, parseParameters } from "../../src/cli/parse-parameters.js";
import { parsePositiveInteger } from "../../src/cli/parse-positive-integer.js";
import { UsageError } from "../../src/cli/usage-error.js";

describe("formatDuration", () => {
  it.each([
    [null, "-"],
    [0, "0ms"],
    [850, "850ms"],
    [4_200, "4.2s"],
    [42_000, "42s"],
    [187_000, "3m 07s"],
    [2 * 3_600_000 + 5 * 60_000, "2h 05m"],
    [3 * 86_400_000 + 4 * 3_600_000, "3d 4h"],
  ])("%s ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatRelativeTime", () => {
  const now = new Date("2026-01-01T12:00:00Z");
  it.each([
    ["2026-01-01T12:00:00Z", "just now"],
    ["2026-01-01T11:59:48Z", "12s ago"],
    ["2026-01-01T11:55:00Z", "5m ago"],
    ["2026-01-01T15:00:00Z", "in 3h"],
    ["2025-12-30T12:00:00Z", "2d ago"],
  ])("%s reads %s", (iso, text) => {
    expect(formatRelativeTime(iso, now)).toBe(text);
  });
  it("keeps an unparseable time and shows a dash for none", () => {
    expect(formatRelativeTime("soon", now)).toBe("soon");
    expect(formatRelativeTime(null, now)).toBe("-");
  });
});

describe("formatTable", () => {
  const columns = [
    { header: "name", value: (row: { name: string; n: number }) => row.name },
    { header: "n", value: (row: { name: string; n: number }) => String(row.n), align: "right" as const },
  ];

  it("sizes columns to the widest cell and right-aligns numbers", () => {
    const text = formatTable(columns, [
      { name: "a", n: 100 },
      { name: "longer", n: 7 },
    ]);
    expect(text.split("\n")).toEqual(["NAME      N", "a       100", "longer    7"]);
  });

  it("ignores colour codes when measuring and cuts long cells", () => {
    const coloured = paint("Completed", "green", true);
    expect(visibleLength(coloured)).toBe(9);
    const text = formatTable([{ header: "s", value: (row: string) => row }, { header: "x", value: () => "y" }], [coloured, "Failed"]);
    expect(text.split("\n")[1]).toBe(`${coloured}  y`);
    const cut = formatTable([{ header: "s", value: (row: string) => row, maxWidth: 5 }], ["abcdefgh"]);
    expect(cut.split("\n")[1]).toBe("abcd…");
  });

  it("prints the empty text when there are no rows", () => {
    expect(formatTable(columns, [], "No runs.")).toBe("No runs.");
  });

  it("aligns label/value fields", () => {
    expect(formatFields([["id", "1"], ["state", "Completed"]])).toBe("id     1\nstate  Completed");
  });
});

describe("formatState", () => {
  it("colours only when enabled", () => {
    expect(formatState({ type: "FAILED", name: "TimedOut" }, false)).toBe("TimedOut");
    expect(formatState({ type: "FAILED", name: "TimedOut" }, true)).toBe("\u001b[31mTimedOut\u001b[39m");
  });
});

describe("parseParameters", () => {
  it("parses JSON values and keeps other text as strings", () => {
    expect(parseParameters(["name=Navin", "n=3", "on=true", "tags=[\"a\"]", "eq=a=b", "empty="])).toEqual({
      name: "Navin",
      n: 3,
      on: true,
      tags: ["a"],
      eq: "a=b",
      empty: "",
    });
  });

  it("applies --param over --params", () => {
    expect(parseParameters(["b=2"], '{"a":1,"b":1}')).toEqual({ a: 1, b: 2 });
  });

  it.each([
    [["name"], undefined, "invalid --param 'name'"],
    [["=x"], undefined, "invalid --param '=x'"],
    [[], "{bad", "invalid --params: not JSON"],
    [[], "[1]", "invalid --params: expected a JSON object"],
  ])("rejects %j / %s with a usage error", (pairs, json, message) => {
    expect(() => parseParameters(pairs, json)).toThrow(UsageError);
    expect(() => parseParameters(pairs, json)).toThrow(message);
  });
});

describe("parametersForSchema", () => {
  const schema = {
    type: "object",
    properties: { name: { type: "string" }, mode: { enum: ["fast", "slow"] }, n: { type: "integer" }, when: { type: ["string", "null"] } },
    required: ["name"],
  };

  it("keeps the text of string parameters and parses the others as JSON", () => {
    expect(parametersForSchema({ param: ["name=5", "mode=fast", "n=3", "when=null"] }, schema, "deployment 'f/d'")).toEqual({ name: "5", mode: "fast", n: 3, when: null });
  });

  it("refuses a name the schema does not know, naming the known ones", () => {
    expect(() => parametersForSchema({ param: ["nam=X"] }, schema, "deployment 'f/d'")).toThrow(UsageError);
    expect(() => parametersForSchema({ param: ["nam=X"], params: '{"m":1}' }, schema, "deployment 'f/d'")).toThrow(
      "unknown parameters 'm', 'nam' for deployment 'f/d'; its parameters are: name, mode, n, when",
    );
  });

  it("admits other names when the schema does, and reads as plain parsing without a schema", () => {
    expect(parametersForSchema({ param: ["x=1"] }, { ...schema, additionalProperties: {} }, "d")).toEqual({ x: 1 });
    expect(parametersForSchema({ param: ["name=5"] }, null, "d")).toEqual({ name: 5 });
    expect(() => parametersForSchema({ param: ["x=1"] }, { type: "object", properties: {} }, "deployment 'f/d'")).toThrow("it takes no parameters");
  });
});

describe("parseStateFilter", () => {
  it("maps types and names, any case", () => {
    expect(parseStateFilter(["failed"])).toEqual({ stateTypes: ["FAILED"] });
    expect(parseStateFilter(["late,timedout"])).toEqual({ stateNames: ["Late", "TimedOut"] });
    expect(parseStateFilter(["completed", "Late"]).stateNames).toEqual(["Late", "Completed", "Cached"]);
    expect(parseStateFilter()).toEqual({});
  });

  it("rejects an unknown state naming it", () => {
    expect(() => parseStateFilter(["done"])).toThrow("invalid --state 'done'");
  });
});

describe("parsePositiveInteger", () => {
  it("accepts whole numbers and names the option otherwise", () => {
    expect(parsePositiveInteger("20", "--limit")).toBe(20);
    expect(parsePositiveInteger("0", "LIMIT", { allowZero: true })).toBe(0);
    expect(() => parsePositiveInteger("0", "--limit")).toThrow("invalid --limit '0'");
    expect(() => parsePositiveInteger("2.5", "--limit")).toThrow(UsageError);
  });
});
