/**
 * The quick check of task-run batches (src/server/schemas/task-run-batch-check.ts) never accepts
 * what the route's zod schema rejects or would change: on generated bodies, near-valid ones
 * mostly (one field odd), every body it accepts zod accepts and returns unchanged. And it does
 * accept what the SDK sends, or it would save nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPlainTaskRunBatch } from "../../src/server/schemas/task-run-batch-check.js";
import { writeTaskRunsSchema } from "../../src/server/schemas/task-run-schemas.js";
import { makeState } from "../../src/core/states.js";

const odd = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, "", " ", "\u3000", "x".repeat(501), "😀".repeat(500), "😀".repeat(501), "a".repeat(1000), "a".repeat(1001), 0, -1, 1.5, 1001, true, [], {}, { a: 1 }, ["a"], [" "], "2026-13-01T00:00:00.000Z", "2026-02-30T00:00:00.000Z", "2024-02-29T23:59:59.999Z", "2100-02-29T00:00:00.000Z", "2000-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z", "2026-12-04T24:00:00.000Z", "2026-12-04T23:60:00.000Z", "2026-12-04T23:59:60.000Z", "2026-00-10T00:00:00.000Z", "2026-01-00T00:00:00.000Z", "2026-12-04T01:02:03Z", "2026-12-04T01:02:03.123+01:00", "0000-01-01T00:00:00.000Z", "RUNNING", "Running", "COMPLETED"),
  fc.string({ maxLength: 6 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const timestamp = fc.date({ min: new Date("0001-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }).map((date) => date.toISOString());
const name = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom("increment", "a/b", "id-1"));
const stateName = fc.constantFrom("Scheduled", "Pending", "Running", "Retrying", "Completed", "Cached", "Failed", "TimedOut", "Crashed", "Cancelled", "AwaitingRetry");

const state = fc.record(
  {
    id: name,
    name: stateName,
    timestamp,
    message: fc.option(fc.string({ maxLength: 5 }), { nil: null }),
    scheduledTime: fc.option(timestamp, { nil: null }),
    result: fc.oneof(
      fc.constant(null),
      fc.record({ kind: fc.constant("inline"), value: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ["kind"] }),
      fc.record({ kind: fc.constant("stored"), storageKey: fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom("k".repeat(200), "k".repeat(201))), serializer: fc.oneof(fc.string({ maxLength: 3 }), fc.constant("s".repeat(201))), store: fc.oneof(fc.string({ maxLength: 3 }), fc.constant("u".repeat(2001))) }, { requiredKeys: ["kind"] }),
      odd,
    ),
    details: fc.option(fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })), { nil: null }),
  },
  { requiredKeys: ["id", "name", "timestamp"] },
).map(({ name: stateName, ...rest }) => ({ ...rest, name: stateName, type: makeState(stateName as never).type }));

const write = fc.record(
  {
    id: name,
    flowRunId: fc.option(name, { nil: null }),
    name,
    taskKey: name,
    dynamicKey: fc.string({ maxLength: 4 }),
    tags: fc.array(name, { maxLength: 2 }),
    inputs: fc.option(fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })), { nil: null }),
    cacheKey: fc.option(fc.string({ maxLength: 4 }), { nil: null }),
    cacheExpiration: fc.option(timestamp, { nil: null }),
    retryPolicy: fc.record({ retries: fc.integer({ min: 0, max: 1000 }), retryDelaySeconds: fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 2 }) }, { requiredKeys: [] }),
    subflowRunId: fc.option(name, { nil: null }),
    states: fc.array(state, { maxLength: 3 }),
  },
  { requiredKeys: ["id", "flowRunId", "name", "taskKey", "dynamicKey", "states"] },
);

/** A write with one field (of the write, or of its first state) set to something odd, or an extra key. */
const nearWrite = fc.tuple(write, fc.nat(20), odd).map(([base, which, value]) => {
  const copy = structuredClone(base) as Record<string, unknown> & { states: Record<string, unknown>[] };
  const writeKeys = ["id", "flowRunId", "name", "taskKey", "dynamicKey", "tags", "inputs", "cacheKey", "cacheExpiration", "retryPolicy", "subflowRunId", "states", "extra"];
  const stateKeys = ["id", "type", "name", "timestamp", "message", "scheduledTime", "result", "details", "error", "extra"];
  if (which < writeKeys.length) copy[writeKeys[which]!] = value;
  else if (copy.states[0] !== undefined) copy.states[0][stateKeys[which - writeKeys.length]!] = value;
  return copy;
});

function agreesWithSchema(body: unknown): void {
  if (!isPlainTaskRunBatch(body)) return;
  const parsed = writeTaskRunsSchema.safeParse(body);
  expect(parsed.success, JSON.stringify(body)).toBe(true);
  expect(parsed.data).toStrictEqual(body);
}

describe("the quick task-run batch check", () => {
  it("accepts only bodies the schema accepts unchanged", () => {
    fc.assert(fc.property(fc.array(fc.oneof(write, nearWrite), { maxLength: 3 }), (writes) => agreesWithSchema(JSON.parse(JSON.stringify({ writes })) as unknown)), { numRuns: 4000 });
  });

  it("leaves odd bodies and own __proto__ keys to the schema", () => {
    for (const body of [null, [], { writes: null }, { writes: [] , extra: 1 }, { writes: [null] }]) agreesWithSchema(body);
    const proto = JSON.parse('{"writes":[{"id":"a","flowRunId":null,"name":"a","taskKey":"a","dynamicKey":"","inputs":{"__proto__":{"x":1}},"states":[]}]}') as unknown;
    expect(isPlainTaskRunBatch(proto)).toBe(false);
    const times = ["2026-02-29T00:00:00.000Z", "2024-02-29T23:59:59.999Z", "2100-02-29T00:00:00.000Z", "2000-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z", "2026-04-30T00:00:00.000Z", "2026-12-04T24:00:00.000Z", "2026-12-04T23:60:00.000Z", "2026-12-04T23:59:60.000Z", "2026-00-10T00:00:00.000Z", "2026-01-00T00:00:00.000Z", "2026-12-04T01:02:03Z"];
    for (const timestamp of times) {
      const body = { writes: [{ id: "a", flowRunId: null, name: "a", taskKey: "a", dynamicKey: "", states: [{ id: "s", type: "RUNNING", name: "Running", timestamp }] }] };
      expect(isPlainTaskRunBatch(body), timestamp).toBe(writeTaskRunsSchema.safeParse(body).success && timestamp.length === 24);
    }
  });

  it("accepts what the SDK sends: a task run's Running and Completed states", () => {
    const now = new Date();
    const body = JSON.parse(
      JSON.stringify({
        writes: [
          {
            id: "0193a1b2-c3d4-7e5f-8a9b-000000000001",
            flowRunId: "0193a1b2-c3d4-7e5f-8a9b-aaaaaaaaaaaa",
            name: "increment-1",
            taskKey: "increment-abc123",
            dynamicKey: "1",
            tags: [],
            inputs: { value: { type: "number" } },
            cacheKey: null,
            retryPolicy: { retries: 0, retryDelaySeconds: [0] },
            states: [makeState("Running", { now }), makeState("Completed", { now, result: { kind: "inline", value: 1 }, details: { reuseKey: "increment:[0]:8130e409", flowAttempt: 1 } })],
          },
        ],
      }),
    ) as unknown;
    expect(isPlainTaskRunBatch(body)).toBe(true);
    agreesWithSchema(body);
  });
});
