/** Shared pieces of the orchestration contract suite: the manual clock, the harness types, error expectations. */
import { expect } from "vitest";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import type { Clock } from "../../src/core/clock.js";
import { isWeirError, type WeirError } from "../../src/core/weir-error.js";

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private time = new Date("2030-01-01T00:00:00.000Z").getTime()) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** What an implementation gives the suite. */
export interface ContractHarness {
  client: OrchestrationApi;
  close(): Promise<void>;
}

/** Build a client over a fresh database whose service layer uses `clock`. */
export type MakeContractHarness = (options: { clock: Clock }) => Promise<ContractHarness>;

/** Shared state of one run of the suite. */
export interface ContractScope {
  client(): OrchestrationApi;
  clock: ManualClock;
}

/** Expect a promise to reject with a WeirError of `code` whose message mentions `mention`. */
export async function expectWeirError(promise: Promise<unknown>, code: WeirError["code"], mention?: string): Promise<WeirError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, `expected a ${code} error`).not.toBeNull();
  expect(isWeirError(error), `expected a WeirError, got ${String(error)}`).toBe(true);
  const weirError = error as WeirError;
  expect(weirError.code).toBe(code);
  if (mention !== undefined) expect(weirError.message).toContain(mention);
  return weirError;
}
