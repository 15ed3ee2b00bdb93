/**
 * A weir.yaml deployment's `triggers:`: automations (trigger + actions, src/core/automations/
 * automation-spec.ts) whose match is bound to that deployment, so none may name a deployment of
 * its own; `applyDeploymentFile` names them and replaces the deployment's set on each apply
 * (sdk/deployment-triggers.ts).
 */
import { parseAutomationSpec } from "../../core/automations/automation-spec.js";
import type { DeploymentTriggerInput } from "../deployment-triggers.js";
import { isMapping, type IssueCollector } from "./issue-collector.js";

/** A deployment's `triggers:`, each checked as an automation (see the file header). */
export function checkTriggers(raw: unknown, path: (string | number)[], issues: IssueCollector): DeploymentTriggerInput[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    issues.add(path, "must be a list of automations (trigger + actions)");
    return [];
  }
  raw.forEach((entry: unknown, index) => {
    if (!isMapping(entry)) return issues.add([...path, index], "must be a mapping with trigger and actions");
    const trigger = isMapping(entry.trigger) ? entry.trigger : {};
    if (isMapping(trigger.match) && trigger.match.deployment !== undefined) issues.add([...path, index, "trigger", "match", "deployment"], "is implied: a deployment's triggers match that deployment");
    try {
      parseAutomationSpec({ name: "unnamed", ...entry }, "weir.yaml");
    } catch (error) {
      issues.addFromError([...path, index], error);
    }
  });
  return raw as DeploymentTriggerInput[];
}
