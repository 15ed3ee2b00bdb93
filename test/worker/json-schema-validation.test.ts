/** The JSON-Schema subset validator behind deployment parameter checks, on schemas zod emits. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { validateAgainstJsonSchema } from "../../src/orchestration/deployment-parameter-validation.js";

const schemaOf = (type: z.ZodType): Record<string, unknown> => z.toJSONSchema(type, { io: "input" });

describe("validateAgainstJsonSchema", () => {
  const schema = schemaOf(
    z.object({
      name: z.string().min(1).max(5),
      size: z.number().gt(0).lte(10),
      mode: z.enum(["fast", "slow"]),
      tags: z.array(z.string()).min(1).max(2),
      nested: z.object({ flag: z.boolean(), id: z.string().regex(/^[a-z]+$/) }),
      either: z.union([z.string(), z.number().int()]),
      maybe: z.string().nullable().optional(),
    }),
  );
  const valid = { name: "ab", size: 10, mode: "fast", tags: ["x"], nested: { flag: true, id: "abc" }, either: 3, maybe: null };

  it("accepts valid parameters", () => {
    expect(validateAgainstJsonSchema(schema, valid)).toEqual([]);
    expect(validateAgainstJsonSchema(schema, { ...valid, either: "s", maybe: "x" })).toEqual([]);
  });

  it.each([
    [{ name: "" }, "name", "at least 1"],
    [{ name: "toolong" }, "name", "at most 5"],
    [{ size: 0 }, "size", "> 0"],
    [{ size: 11 }, "size", "≤ 10"],
    [{ size: "3" }, "size", "must be number"],
    [{ mode: "medium" }, "mode", "one of"],
    [{ tags: [] }, "tags", "at least 1 items"],
    [{ tags: ["a", 2] }, "tags.1", "must be string"],
    [{ nested: { flag: "yes", id: "abc" } }, "nested.flag", "must be boolean"],
    [{ nested: { flag: true, id: "ABC" } }, "nested.id", "pattern"],
    [{ nested: { flag: true } }, "nested.id", "is required"],
    [{ either: 1.5 }, "either", "must be"],
  ])("names the bad field for %j", (patch, path, message) => {
    const issues = validateAgainstJsonSchema(schema, { ...valid, ...patch });
    expect(issues).toEqual([expect.objectContaining({ path, message: expect.stringContaining(message) })]);
  });

  it("reports missing required fields and refuses extra ones when the schema says so", () => {
    const strict = schemaOf(z.strictObject({ a: z.string() }));
    expect(validateAgainstJsonSchema(strict, {}).map((issue) => issue.path)).toEqual(["a"]);
    expect(validateAgainstJsonSchema({ ...strict, additionalProperties: false }, { a: "x", b: 1 })).toEqual([{ path: "b", message: "is not an expected field" }]);
  });

  it("follows local $refs", () => {
    const withRef = { $defs: { Id: { type: "integer", minimum: 1 } }, type: "object", properties: { id: { $ref: "#/$defs/Id" } } };
    expect(validateAgainstJsonSchema(withRef, { id: 0 })).toEqual([{ path: "id", message: "must be ≥ 1" }]);
    expect(validateAgainstJsonSchema(withRef, { id: 2 })).toEqual([]);
  });
});
