/**
 * A deployment's triggers (weir.yaml `triggers:`, `deploy({ triggers })`): automations whose match
 * is bound to that deployment, named `<flow>/<deployment>#<n>` unless they have a name, and
 * replaced as a set each time the deployment is applied.
 */
import type { AutomationInput } from "../core/automations/automation-spec.js";

/** A trigger of a deployment as written: an automation whose name is optional. */
export type DeploymentTriggerInput = Omit<AutomationInput, "name"> & { name?: string };

/** A deployment's triggers as automations, named and matching that deployment. */
export function deploymentTriggerAutomations(deploymentName: string, flowName: string, triggers: readonly DeploymentTriggerInput[]): AutomationInput[] {
  const fullName = `${flowName}/${deploymentName}`;
  return triggers.map((input, index) => ({
    ...input,
    name: input.name ?? `${fullName}#${index + 1}`,
    trigger: { ...input.trigger, match: { ...(input.trigger.match ?? {}), deployment: fullName } },
  }));
}
