/**
 * The flow-run orchestration rules over EVERY (current, proposed) pair of state names, against a
 * matrix written independently from the table (rows: current type, columns: proposed type;
 * A accept, R reject, X abort, W wait-capable accept, v "only via resume/retry", else reject).
 */
import { describe, expect, it } from "vitest";
import { decideFlowRunTransition, FLOW_RUN_RULES, retryDelaySecondsFor, type TransitionContext } from "../../src/core/flow-run-rules.js";
import { makeState, STATE_NAMES, STATE_TYPE_OF_NAME, STATE_TYPES, type StateName, type StateType } from "../../src/core/states.js";

const NOW = new Date("2026-01-01T12:00:00.000Z");
const baseContext: TransitionContext = { now: NOW, via: "propose", runCount: 1, retryPolicy: { retries: 0, retryDelaySeconds: [0] } };

//             proposed: SCH PEN RUN COM FAI CNG CAN CRA PAU
const MATRIX: Record<StateType, string> = {
  SCHEDULED: " A   W   W   R   A   R   A   A   R",
  PENDING: "   A   R   A   R   A   A   A   A   R",
  RUNNING: "   R   R   R   A   A   A   A   A   A",
  COMPLETED: " t   X   X   R   R   R   R   R   R",
  FAILED: "    t   X   X   R   R   R   R   R   R",
  CANCELLING: "R   X   X   R   R   R   A   R   R",
  CANCELLED: " t   X   X   R   R   R   R   R   R",
  CRASHED: "   t   X   X   R   R   R   R   R   R",
  PAUSED: "    s   R   s   R   A   A   A   A   R",
};

function expectedCell(from: StateType, to: StateType): string {
  const cells = MATRIX[from].trim().split(/\s+/);
  return cells[STATE_TYPES.indexOf(to)] ?? "?";
}

function expectedStatus(from: StateName, to: StateName, via: TransitionContext["via"]): string {
  const cell = expectedCell(STATE_TYPE_OF_NAME[from], STATE_TYPE_OF_NAME[to]);
  if (STATE_TYPE_OF_NAME[from] === "RUNNING" && to === "AwaitingRetry") return "ACCEPT";
  switch (cell) {
    case "A":
    case "W":
      return "ACCEPT";
    case "R":
      return "REJECT";
    case "X":
      return "ABORT";
    case "t":
      return via === "retry" ? "ACCEPT" : "REJECT";
    case "s":
      return via === "resume" ? "ACCEPT" : "REJECT";
    default:
      throw new Error(`bad matrix cell ${cell}`);
  }
}

describe("flow-run rules table", () => {
  it("has a rule for every (type, type) pair", () => {
    for (const from of STATE_TYPES) for (const to of STATE_TYPES) expect(FLOW_RUN_RULES[from][to].reason).toBeTruthy();
  });

  for (const via of ["propose", "resume", "retry"] as const) {
    it(`decides every (name, name) pair as the matrix says (via ${via})`, () => {
      let checked = 0;
      for (const fromName of STATE_NAMES) {
        for (const toName of STATE_NAMES) {
          const from = makeState(fromName, { now: new Date(NOW.getTime() - 60_000) });
          const to = makeState(toName, { now: NOW });
          const decision = decideFlowRunTransition(from, to, { ...baseContext, via });
          const expected = expectedStatus(fromName, toName, via);
          expect({ fromName, toName, status: decision.status }).toEqual({ fromName, toName, status: expected });
          expect(decision.reason.length).toBeGreaterThan(0);
          if (decision.status === "ACCEPT") {
            expect(decision.state).toBe(to);
            expect(decision.recorded).toEqual([to]);
          } else {
            expect(decision.state).toBe(from);
            expect(decision.recorded).toEqual([]);
          }
          checked++;
        }
      }
      expect(checked).toBe(STATE_NAMES.length ** 2);
    });
  }

  it("a claim is accepted once: Scheduled → Pending accepted, Pending → Pending rejected", () => {
    const scheduled = makeState("Scheduled", { now: NOW, scheduledTime: NOW.toISOString() });
    const pending = makeState("Pending", { now: NOW });
    expect(decideFlowRunTransition(scheduled, pending, baseContext).status).toBe("ACCEPT");
    expect(decideFlowRunTransition(pending, makeState("Pending", { now: NOW }), baseContext).status).toBe("REJECT");
  });

  it("WAITs a start proposed before the scheduled time, with the seconds to wait", () => {
    const scheduled = makeState("AwaitingRetry", { now: NOW, scheduledTime: new Date(NOW.getTime() + 9_500).toISOString() });
    for (const name of ["Pending", "Running"] as const) {
      const decision = decideFlowRunTransition(scheduled, makeState(name, { now: NOW }), baseContext);
      expect(decision.status).toBe("WAIT");
      expect(decision.retryAfterSeconds).toBe(10);
      expect(decision.state).toBe(scheduled);
    }
    const due = decideFlowRunTransition(scheduled, makeState("Running"), { ...baseContext, now: new Date(NOW.getTime() + 10_000) });
    expect(due.status).toBe("ACCEPT");
  });

  it("turns a failed attempt with retries left into AwaitingRetry at now + delay, recording both states", () => {
    const running = makeState("Running", { now: NOW });
    const policy = { retries: 2, retryDelaySeconds: [5, 30] };
    for (const [runCount, delay] of [[1, 5], [2, 30]] as const) {
      for (const name of ["Failed", "TimedOut", "Crashed"] as const) {
        const failed = makeState(name, { now: NOW, message: "boom" });
        const decision = decideFlowRunTransition(running, failed, { ...baseContext, runCount, retryPolicy: policy });
        expect(decision.status).toBe("ACCEPT");
        expect(decision.state.name).toBe("AwaitingRetry");
        expect(decision.state.scheduledTime).toBe(new Date(NOW.getTime() + delay * 1000).toISOString());
        expect(decision.recorded.map((state) => state.name)).toEqual([name, "AwaitingRetry"]);
      }
    }
    const last = decideFlowRunTransition(running, makeState("Failed", { now: NOW }), { ...baseContext, runCount: 3, retryPolicy: policy });
    expect(last.state.name).toBe("Failed");
  });

  it("never retries a non-retryable error", () => {
    const failed = makeState("Failed", { now: NOW, error: { name: "NonRetryableError", message: "no", isRetryable: false } });
    const decision = decideFlowRunTransition(makeState("Running"), failed, { ...baseContext, retryPolicy: { retries: 5, retryDelaySeconds: [1] } });
    expect(decision.state).toBe(failed);
  });

  it("repeats the last retry delay", () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelaySecondsFor({ retries: 4, retryDelaySeconds: [1, 10] }, attempt))).toEqual([1, 10, 10, 10]);
  });
});
