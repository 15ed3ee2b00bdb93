import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { flow, task } from "../../src/index.js";
import type { TaskFuture, TaskFutureList } from "../../src/index.js";

// Compile-time checks (tsc runs them); the runtime bodies are never called.
describe("type inference", () => {
  it("infers flow parameters from a zod schema and the return type from the body", () => {
    const etl = flow({ name: "typed", params: z.object({ table: z.string(), limit: z.number().default(10) }) }, async ({ table, limit }) => {
      expectTypeOf(table).toEqualTypeOf<string>();
      expectTypeOf(limit).toEqualTypeOf<number>();
      return { rows: limit };
    });
    expectTypeOf(etl).parameter(0).toEqualTypeOf<{ table: string; limit?: number | undefined }>();
    expectTypeOf(etl).returns.toEqualTypeOf<Promise<{ rows: number }>>();
    // @ts-expect-error a required parameter is missing
    void (() => etl({ limit: 3 }));
  });

  it("lets a flow without parameters be called with none", () => {
    const noParams = flow("no-params", async () => 42);
    expectTypeOf(noParams).returns.toEqualTypeOf<Promise<number>>();
    void (() => noParams());
  });

  it("infers task arguments and results for calls, submit and map", () => {
    const join = task("join", (a: string, b: number) => `${a}${b}`);
    expectTypeOf(join).parameters.toEqualTypeOf<[string, number]>();
    expectTypeOf(join).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(join.submit).returns.toEqualTypeOf<TaskFuture<string>>();
    expectTypeOf(join.map).returns.toEqualTypeOf<TaskFutureList<string>>();
    // @ts-expect-error wrong argument type
    void (() => join(1, 2));
    void (() => join.submit("a", 1, { waitFor: [] }));
  });
});
