/**
 * Automations: evaluates the enabled automations' triggers over the stored events and the time
 * (src/orchestration/automations/evaluate-automations.ts), then runs the actions of the firings
 * that are not notifications (run-automation-actions.ts). Leader-elected like every loop, and
 * exactly-once even without a leader (see evaluate-automations.ts).
 */
import { createOrchestration } from "../orchestration/create-orchestration.js";
import { evaluateAutomations } from "../orchestration/automations/evaluate-automations.js";
import { runAutomationActions } from "../orchestration/automations/run-automation-actions.js";
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import type { ServiceLoop } from "./service-loop.js";

/** The automations loop. */
export function createAutomationsService(ctx: OrchestrationContext, options: { intervalMs: number; onError: (error: unknown, name: string) => void }): ServiceLoop {
  const name = "automations";
  const api = createOrchestration(ctx);
  const onError = (error: unknown): void => options.onError(error, name);
  return {
    name,
    intervalMs: options.intervalMs,
    tick: async ({ now }) => {
      await evaluateAutomations(ctx, now, onError);
      await runAutomationActions(ctx, api, onError);
    },
  };
}
