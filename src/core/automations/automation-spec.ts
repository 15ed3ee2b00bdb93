/**
 * The automation form users write (API body, `weir automation create -f FILE`, `triggers:` of a
 * weir.yaml deployment, the dashboard's editor), its zod schema, and `parseAutomationSpec`, which
 * validates one and compiles it to the canonical form the server stores.
 *
 * ```yaml
 * name: tell-me-when-greeting-fails
 * trigger:
 *   expect: [flow-run.Failed, flow-run.Crashed]   # event names; `flow-run.*` matches every flow-run event
 *   match: { flow: greeting }                     # flow, deployment (flow/name), workPool, tags, flowRun
 *   posture: reactive                             # reactive (default): fire on the events
 *   threshold: 1                                  # …once this many matched within `within`
 *   within: 10m                                   # 45s, 10m, 26h, 2d, or seconds; reactive default 0 (no window)
 * actions:
 *   - type: webhook
 *     url: http://127.0.0.1:9999/hook
 * ```
 *
 * A proactive trigger (`posture: proactive`, `within` required) fires when no expected event
 * came within `within`: once per silence, then not again until an expected event re-arms it.
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseDurationSeconds } from "../schedules/schedule-policies.js";
import { WeirError, type FieldIssue } from "../weir-error.js";
import { actionSpecSchema, type ActionSpec } from "./automation-actions.js";

/** How a trigger reads its events: `reactive` fires on them, `proactive` on their absence. */
export const TRIGGER_POSTURES = ["reactive", "proactive"] as const;

/** A trigger's posture. */
export type TriggerPosture = (typeof TRIGGER_POSTURES)[number];

/** Most event names one trigger expects, actions one automation runs. */
export const MAX_EXPECTED_EVENTS = 50;
export const MAX_ACTIONS = 20;

/** Longest window of a trigger, in seconds (366 days). */
export const MAX_WITHIN_SECONDS = 366 * 86_400;

/** Largest reactive threshold. */
export const MAX_THRESHOLD = 10_000;

/** An event name: `resource.Verb`, or `resource.*`, or `*`. */
const EVENT_NAME_PATTERN = /^(\*|[a-z][a-z0-9-]*\.(\*|[A-Za-z][A-Za-z0-9_-]*))$/;

const text = z.string().trim().min(1, "must be a non-empty string").max(500, "must be at most 500 characters");
const oneOrMany = z.union([text, z.array(text).min(1, "must list at least one value").max(100)]);

/** What a trigger's events must be about (every field given must match). */
export const matchSpecSchema = z
  .strictObject({
    flow: oneOrMany.optional(),
    deployment: oneOrMany.optional().meta({ description: "`flow/deployment` names or deployment ids" }),
    workPool: oneOrMany.optional(),
    tags: z.array(text).max(100).optional().meta({ description: "the run has every one of these tags" }),
    flowRun: oneOrMany.optional().meta({ description: "flow run ids" }),
  })
  .meta({ id: "AutomationMatch", description: "Which resources a trigger's events must be about; every field given must match (a list means any of)." });

/** A match in canonical form: every field a list. */
export interface MatchSpec {
  flow?: string[];
  deployment?: string[];
  workPool?: string[];
  tags?: string[];
  flowRun?: string[];
}

const durationSchema = z.union([z.string(), z.number()]).meta({ description: 'a duration: "45s", "10m", "26h", "2d", or a whole number of seconds' });

/** A trigger as users write it. */
export const triggerSpecSchema = z.strictObject({
  expect: z.union([z.string(), z.array(z.string()).min(1, "must name at least one event").max(MAX_EXPECTED_EVENTS)]),
  match: matchSpecSchema.optional(),
  posture: z.enum(TRIGGER_POSTURES).optional(),
  threshold: z.number().int("must be a whole number").min(1, "must be ≥ 1").max(MAX_THRESHOLD).optional(),
  within: durationSchema.optional(),
});

/** The automation form (see file header). */
export const automationSpecSchema = z
  .strictObject({
    name: text,
    description: z.string().max(10_000).nullable().optional(),
    enabled: z.boolean().optional(),
    trigger: triggerSpecSchema,
    actions: z.array(actionSpecSchema).min(1, "must list at least one action").max(MAX_ACTIONS),
  })
  .meta({ id: "AutomationSpec", description: "An automation: a trigger and the actions it runs when it fires." });

/** A trigger in canonical form. */
export interface TriggerSpec {
  posture: TriggerPosture;
  /** Event names (exact, `resource.*` or `*`). */
  expect: string[];
  match: MatchSpec;
  /** Reactive: fire once this many matched within `within`. Always 1 for proactive. */
  threshold: number;
  /** Window in seconds; 0 means none (reactive only). */
  within: number;
}

/** An automation in canonical form. */
export interface AutomationSpec {
  name: string;
  description: string | null;
  enabled: boolean;
  trigger: TriggerSpec;
  actions: ActionSpec[];
}

function listOf(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : typeof value === "string" ? [value] : value;
}

function zodIssues(error: z.ZodError, prefix: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== "").join(".");
    if (issue.code === "unrecognized_keys") return { path: [path, ...issue.keys].filter(Boolean).join(".") || "(root)", message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}` };
    return { path: path || "(root)", message: issue.message };
  });
}

/**
 * Validate an automation as users write it and compile it to canonical form. Throws VALIDATION
 * naming each bad field (`trigger.within: …`). `prefix` prepends a path (weir.yaml's entries).
 */
export function parseAutomationSpec(raw: unknown, what = "automation", prefix = ""): AutomationSpec {
  const parsed = automationSpecSchema.safeParse(raw);
  if (!parsed.success) throw WeirError.validation(what, zodIssues(parsed.error, prefix));
  const at = (field: string): string => [prefix, field].filter(Boolean).join(".");
  const spec = parsed.data;
  const issues: FieldIssue[] = [];
  const expect = listOf(spec.trigger.expect) ?? [];
  expect.forEach((name, index) => {
    if (!EVENT_NAME_PATTERN.test(name)) issues.push({ path: at(`trigger.expect.${index}`), message: `'${name}' is not an event name like flow-run.Failed or flow-run.*` });
  });
  const posture = spec.trigger.posture ?? "reactive";
  let within = 0;
  // 0 is "no window" (the canonical form of a reactive trigger without one), so a stored form parses again.
  if (spec.trigger.within === 0 && posture === "reactive") within = 0;
  else if (spec.trigger.within !== undefined) {
    const seconds = parseDurationSeconds(spec.trigger.within);
    if (seconds === null || seconds > MAX_WITHIN_SECONDS) issues.push({ path: at("trigger.within"), message: 'must be a duration like "45s", "10m", "26h", "2d", or whole seconds ≥ 1, at most 366d' });
    else within = seconds;
  } else if (posture === "proactive") issues.push({ path: at("trigger.within"), message: "is required for a proactive trigger (how long an expected event may be absent)" });
  if (posture === "proactive" && spec.trigger.threshold !== undefined && spec.trigger.threshold !== 1) {
    issues.push({ path: at("trigger.threshold"), message: "must be 1 (or absent) for a proactive trigger" });
  }
  const threshold = spec.trigger.threshold ?? 1;
  if (posture === "reactive" && threshold > 1 && within === 0) issues.push({ path: at("trigger.within"), message: "is required with a threshold above 1 (the window the events must fall in)" });
  if (issues.length > 0) throw WeirError.validation(what, issues);
  const rawMatch = spec.trigger.match ?? {};
  const match: MatchSpec = {};
  for (const key of ["flow", "deployment", "workPool", "flowRun"] as const) {
    const values = listOf(rawMatch[key]);
    if (values) match[key] = values;
  }
  if (rawMatch.tags) match.tags = rawMatch.tags;
  return {
    name: spec.name,
    description: spec.description ?? null,
    enabled: spec.enabled ?? true,
    trigger: { posture, expect, match, threshold, within },
    actions: spec.actions,
  };
}

/** Parse the text of an automation file (YAML or JSON; JSON is YAML) and validate it. */
export function parseAutomationText(text: string, fileName = "automation file"): AutomationSpec {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: false });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    throw WeirError.validation(fileName, [{ path: "(yaml)", message: message ?? "not YAML or JSON" }]);
  }
  return parseAutomationSpec(raw, fileName);
}

/** An automation as users write it (what `parseAutomationSpec` accepts). */
export type AutomationInput = z.input<typeof automationSpecSchema>;
