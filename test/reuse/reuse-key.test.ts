/** The reuse key of a task call: same inputs and code give the same key; anything not JSON gives none. */
import { describe, expect, it } from "vitest";
import { stableJson } from "../../src/sdk/stable-json.js";
import { reuseJsonOf } from "../../src/sdk/reuse-json.js";
import { inlineResultOf, MAX_INLINE_RESULT_CHARS, reuseKeyOf } from "../../src/sdk/reuse-key.js";

const double = async (n: number) => n * 2;
const triple = async (n: number) => n * 3;

describe("reuse keys", () => {
  it("writes the same sorted-key JSON as the cache key does, and refuses what JSON would change", () => {
    const value = { b: [1, "x", null, undefined, new Date(0)], a: { d: true, c: -1.5 }, skipped: undefined };
    expect(reuseJsonOf(value)).toBe(stableJson(value));
    for (const bad of [new Map(), () => 1, Number.NaN, Infinity, 1n, Symbol("s"), new (class Point {})()]) expect(reuseJsonOf([bad])).toBeNull();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(reuseJsonOf(circular)).toBeNull();
  });

  it("depends on the inputs (not on key order) and on the task's source", () => {
    expect(reuseKeyOf("t", double, [{ a: 1, b: 2 }])).toBe(reuseKeyOf("t", double, [{ b: 2, a: 1 }]));
    expect(reuseKeyOf("t", double, [{ a: 1 }])).not.toBe(reuseKeyOf("t", double, [{ a: 2 }]));
    expect(reuseKeyOf("t", double, [1])).not.toBe(reuseKeyOf("t", double, ["1"]));
    expect(reuseKeyOf("t", double, [1])).not.toBe(reuseKeyOf("t", triple, [1]));
    expect(reuseKeyOf("t", double, [1])).not.toBe(reuseKeyOf("u", double, [1]));
    expect(reuseKeyOf("t", double, ["x".repeat(1000)])).toMatch(/^t:[0-9a-f]{32}:/);
    expect(reuseKeyOf("t", double, [new Map()])).toBeNull();
    expect(reuseKeyOf("t", double, [Number.NaN])).toBeNull();
  });

  it("keeps small JSON results inline, and nothing for large or non-JSON ones", () => {
    expect(inlineResultOf(undefined)).toBeUndefined();
    expect(inlineResultOf({ rows: [1] })).toEqual({ kind: "inline", value: { rows: [1] } });
    expect(inlineResultOf("x".repeat(MAX_INLINE_RESULT_CHARS + 1))).toBeNull();
    expect(inlineResultOf({ big: "x".repeat(MAX_INLINE_RESULT_CHARS) })).toBeNull();
    expect(inlineResultOf(new Map())).toBeNull();
    expect(inlineResultOf(Number.NaN)).toBeNull();
  });
});
