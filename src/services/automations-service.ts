/**
 * Automations: evaluates the enabled automations' triggers over the stored events and the time
 * (src/orchestration/automations/evaluate-automations.ts), then runs the actions of the firings
 * that are not notifications (run-automation-actions.ts). Leader-elected like every loop, and
 * exactly-once even without a leader (see evaluate-automations.ts). Besides its interval, a pass
 * runs shortly after a flow run changes state (a `flow-run` event on the in-process bus, relayed
 * from other processes on PostgreSQL), and once more a second later (a PostgreSQL follower may
 * not see the new stored event at once); the stored-event cursor, not the wake-up, is what
 * guarantees each event is seen. Its first pass seals the notification secrets that automations
 * saved before sealing existed still hold in clear (seal-clear-automation-actions.ts).
 */
import { createOrchestration } from "../orchestration/create-orchestration.js";
import { isWeirError } from "../core/weir-error.js";
import { evaluateAutomations } from "../orchestration/automations/evaluate-automations.js";
import { sealClearAutomationActions } from "../orchestration/automations/seal-clear-automation-actions.js";
import { runAutomationActions } from "../orchestration/automations/run-automation-actions.js";
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import type { ServiceLoop } from "./service-loop.js";

/** After a bus event, how long to gather more before a pass (caps passes at 5 a second under load). */
const WAKE_GATHER_MS = 200;
/** After a bus event, another pass this much later. */
const WAKE_RECHECK_MS = 1000;

/** The automations loop. */
export function createAutomationsService(ctx: OrchestrationContext, options: { intervalMs: number; onError: (error: unknown, name: string) => void }): ServiceLoop {
  const name = "automations";
  const api = createOrchestration(ctx);
  const onError = (error: unknown): void => options.onError(error, name);
  let recheckAt: number | null = null;
  let hasSealedClearActions = false;
  return {
    name,
    intervalMs: options.intervalMs,
    wakeUp: (signal) =>
      new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = (): void => {
          off();
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          resolve();
        };
        const after = (ms: number, then: () => void): void => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            then();
            done();
          }, Math.max(0, ms));
        };
        const off = ctx.events.on(
          () => {
            off();
            recheckAt = Date.now() + WAKE_RECHECK_MS;
            after(WAKE_GATHER_MS, () => {});
          },
          { kinds: ["flow-run"] },
        );
        if (recheckAt !== null) after(recheckAt - Date.now(), () => (recheckAt = null));
        signal.addEventListener("abort", done, { once: true });
      }),
    tick: async ({ now }) => {
      if (!hasSealedClearActions) {
        try {
          await sealClearAutomationActions(ctx);
          hasSealedClearActions = true;
        } catch (error) {
          // No server key (CONFLICT) is reported once; anything else is tried again next pass.
          if (isWeirError(error) && error.code === "CONFLICT") hasSealedClearActions = true;
          onError(error);
        }
      }
      await evaluateAutomations(ctx, now, onError);
      await runAutomationActions(ctx, api, onError);
    },
  };
}
