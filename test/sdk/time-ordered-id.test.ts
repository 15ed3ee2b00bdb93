import { describe, expect, it } from "vitest";
import { timeOrderedId } from "../../src/sdk/time-ordered-id.js";

describe("timeOrderedId", () => {
  it("makes unique UUID-shaped ids that sort in the order they were made", () => {
    const ids = Array.from({ length: 50_000 }, () => timeOrderedId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id, index) => index === 0 || id > ids[index - 1]!)).toBe(true);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("stays ordered past 4,096 ids in one millisecond and when the clock goes back", () => {
    const frozen = Array.from({ length: 10_000 }, () => timeOrderedId(5));
    const earlier = timeOrderedId(1);
    expect(new Set(frozen).size).toBe(frozen.length);
    expect(frozen.every((id, index) => index === 0 || id > frozen[index - 1]!)).toBe(true);
    expect(earlier > frozen.at(-1)!).toBe(true);
  });
});
