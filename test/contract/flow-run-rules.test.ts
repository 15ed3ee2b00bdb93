/**
 * The flow-run orchestration rules over EVERY (current, proposed) pair of state names, against a
 * matrix written independently from the table (rows: current type, columns: proposed type;
 * A accept, R reject, X abort, W wait-capable accept, v "only via resume/retry", else reject).
 */
import { describe, expect, it } from "vitest";
import { decideFlowRunTransition, FLOW_RUN_RULES, MAX_CRASHES_BEFORE_START, retryDelaySecondsFor, type TransitionContext } from "../../src/core/flow-run-rules.js";
import { makeState, STATE_NAMES, STATE_TYPE_OF_NAME, STATE_TYPES, type StateName, type StateType } from "../../src/core/states.js";

const NOW = new Date("2026-01-01T12:00:00.000Z");
const baseContext: TransitionContext = { now: NOW, via: "propose", runCount: 1, retryPolicy: { retries: 0, retryDelaySeconds: [0] }, hasDeployment: true };

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

// Moves that only a run of a deployment may make (something must start it again afterwards).
function needsDeployment(from: StateName, to: StateName): boolean {
  const fromType = STATE_TYPE_OF_NAME[from];
  const toType = STATE_TYPE_OF_NAME[to];
  return (fromType === "RUNNING" && to === "Suspended") || (toType === "SCHEDULED" && (fromType === "PAUSED" || ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"].includes(fromType)));
}

function expectedStatus(from: StateName, to: StateName, via: TransitionContext["via"], hasDeployment = true): string {
  const cell = expectedCell(STATE_TYPE_OF_NAME[from], STATE_TYPE_OF_NAME[to]);
  if (STATE_TYPE_OF_NAME[from] === "RUNNING" && to === "AwaitingRetry") return "ACCEPT";
  if (!hasDeployment && needsDeployment(from, to) && (cell === "A" || via !== "propose")) return "REJECT";
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

  for (const hasDeployment of [true, false]) {
    for (const via of ["propose", "resume", "retry"] as const) {
      it(`decides every (name, name) pair as the matrix says (via ${via}, ${hasDeployment ? "with" : "without"} a deployment)`, () => {
        let checked = 0;
        for (const fromName of STATE_NAMES) {
          for (const toName of STATE_NAMES) {
            const from = makeState(fromName, { now: new Date(NOW.getTime() - 60_000) });
            const to = makeState(toName, { now: NOW });
            const decision = decideFlowRunTransition(from, to, { ...baseContext, via, hasDeployment });
            const expected = expectedStatus(fromName, toName, via, hasDeployment);
            expect({ fromName, toName, status: decision.status }).toEqual({ fromName, toName, status: expected });
            expect(decision.reason.length).toBeGreaterThan(0);
            if (decision.status !== "ACCEPT") {
              expect(decision.state).toBe(from);
              expect(decision.recorded).toEqual([]);
            } else if (fromName === "Pending" && toName === "Crashed" && hasDeployment) {
              // Crash before start: recorded, then rescheduled (covered below).
              expect(decision.recorded.map((state) => state.name)).toEqual(["Crashed", "Scheduled"]);
            } else if (STATE_TYPE_OF_NAME[fromName] === "PAUSED" && STATE_TYPE_OF_NAME[toName] === "SCHEDULED") {
              // A resumed suspended run is marked so that its next Running continues the attempt.
              expect(decision.state).toEqual({ ...to, details: { resuming: true } });
              expect(decision.recorded).toEqual([decision.state]);
            } else {
              expect(decision.state).toBe(to);
              expect(decision.recorded).toEqual([to]);
            }
            checked++;
          }
        }
        expect(checked).toBe(STATE_NAMES.length ** 2);
      });
    }
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

  describe("a crash before the body starts (Pending → Crashed)", () => {
    const policy = { retries: 1, retryDelaySeconds: [30] };
    const crash = (message = "worker killed"): ReturnType<typeof makeState> =>
      makeState("Crashed", { now: NOW, message, error: { name: "MissedHeartbeats", message, isRetryable: true } });

    it("reschedules a deployment's run, due now, recording the crash, spending no retry", () => {
      const decision = decideFlowRunTransition(makeState("Pending"), crash(), { ...baseContext, runCount: 0, retryPolicy: policy });
      expect(decision.status).toBe("ACCEPT");
      expect(decision.recorded.map((state) => state.name)).toEqual(["Crashed", "Scheduled"]);
      expect(decision.state).toMatchObject({ name: "Scheduled", scheduledTime: NOW.toISOString(), details: { crashesBeforeStart: 1 } });
      expect(decision.state.message).toMatch(/^rescheduled: crashed before it started/);
    });

    it("a run without a deployment, or a non-retryable crash, follows the retry rules as before", () => {
      for (const context of [{ ...baseContext, hasDeployment: false }, baseContext]) {
        const proposed = context.hasDeployment ? makeState("Crashed", { now: NOW, error: { name: "Load", message: "no", isRetryable: false } }) : crash();
        const decision = decideFlowRunTransition(makeState("Pending"), proposed, { ...context, runCount: 0, retryPolicy: { retries: 0, retryDelaySeconds: [0] } });
        expect(decision.state).toBe(proposed);
      }
      const retried = decideFlowRunTransition(makeState("Pending"), crash(), { ...baseContext, hasDeployment: false, runCount: 0, retryPolicy: policy });
      expect(retried.state.name).toBe("AwaitingRetry");
    });

    it(`counts crashes in a row through Scheduled/Late/Pending and stops after ${MAX_CRASHES_BEFORE_START}`, () => {
      let current = makeState("Pending");
      for (let crashes = 1; crashes <= MAX_CRASHES_BEFORE_START; crashes++) {
        const rescheduled = decideFlowRunTransition(current, crash(), baseContext);
        expect(rescheduled.state.details).toMatchObject({ crashesBeforeStart: crashes });
        const late = decideFlowRunTransition(rescheduled.state, makeState("Late", { now: NOW }), baseContext);
        current = decideFlowRunTransition(late.state, makeState("Pending", { now: NOW }), baseContext).state;
        expect(current.details).toMatchObject({ crashesBeforeStart: crashes });
      }
      expect(decideFlowRunTransition(current, crash(), baseContext).state.name).toBe("Crashed");
      // Running resets the count: nothing is carried into it.
      const running = decideFlowRunTransition(current, makeState("Running", { now: NOW }), baseContext).state;
      expect(running.details).toBeNull();
    });
  });

  it("a resumed Suspended run stays marked resuming until it runs", () => {
    const resumed = decideFlowRunTransition(makeState("Suspended"), makeState("Scheduled", { now: NOW }), { ...baseContext, via: "resume" });
    expect(resumed.state.details).toEqual({ resuming: true });
    const pending = decideFlowRunTransition(resumed.state, makeState("Pending", { now: NOW }), baseContext);
    expect(pending.state.details).toEqual({ resuming: true });
    const running = decideFlowRunTransition(pending.state, makeState("Running", { now: NOW }), baseContext);
    expect(running.state.details).toBeNull();
  });

  it("refuses with a reason what only a deployment's run can do", () => {
    const context = { ...baseContext, hasDeployment: false };
    const retry = decideFlowRunTransition(makeState("Failed"), makeState("Scheduled"), { ...context, via: "retry" });
    expect(retry).toMatchObject({ status: "REJECT", reason: expect.stringMatching(/no deployment.*run the flow again/) });
    const suspend = decideFlowRunTransition(makeState("Running"), makeState("Suspended"), context);
    expect(suspend).toMatchObject({ status: "REJECT", reason: expect.stringMatching(/no deployment.*pause it instead/) });
    expect(decideFlowRunTransition(makeState("Running"), makeState("Paused"), context).status).toBe("ACCEPT");
  });
});
