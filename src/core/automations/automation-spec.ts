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
import { NON_BLANK_PATTERN } from "../input-limits.js";
import { DURATION_TEXT_PATTERN, parseDurationSeconds } from "../schedules/schedule-policies.js";
import { WeirError, type FieldIssue } from "../weir-error.js";
import { actionSpecSchema, type ActionSpec } from "./automation-actions.js";

/** How a trigger reads its events: `reactive` fires on them, `proactive` on their absence. */
export const TRIGGER_POSTURES = ["reactive", "proactive"] as const;

/** A trigger's posture. */
export type TriggerPosture = (typeof TRIGGER_POSTURES)[number];

/** Most event names one trigger expects, actions one automation runs. */
export const MAX_EXPECTED_EVENTS = 50;
export const MAX_ACTIONS = 20;

/** Longest window of a trigger, in seconds: the longest duration text (999999d), so every duration the document allows is accepted. */
export const MAX_WITHIN_SECONDS = 999_999 * 86_400;

/** Largest reactive threshold. */
export const MAX_THRESHOLD = 10_000;

/** An event name: `resource.Verb`, or `resource.*`, or `*`. */
const EVENT_NAME_PATTERN = /^(\*|[a-z][a-z0-9-]*\.(\*|[A-Za-z][A-Za-z0-9_-]*))$/;

const text = z.string().trim().min(1, "must be a non-empty string").max(500, "must be at most 500 characters").regex(new RegExp(NON_BLANK_PATTERN), "must be a non-empty string");
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

const DURATION_MESSAGE = 'must be a duration like "45s", "10m", "26h", "2d", or whole seconds ≥ 1';
const durationSchema = z
  .union([z.int(DURATION_MESSAGE).min(0, DURATION_MESSAGE).max(MAX_WITHIN_SECONDS, DURATION_MESSAGE), z.string().regex(DURATION_TEXT_PATTERN, DURATION_MESSAGE)], { error: DURATION_MESSAGE })
  .meta({ description: 'a duration: "45s", "10m", "26h", "2d" (1–6 digits and a unit), or a whole number of seconds; 0: no window (reactive only)' });

const eventNameSchema = z.string().regex(EVENT_NAME_PATTERN, { error: (issue) => `'${String(issue.input)}' is not an event name like flow-run.Failed or flow-run.*` });

// What the checks in parseAutomationSpec require across fields, for the OpenAPI document (zod
// itself leaves them to those checks, which name the field): a proactive trigger has a non-zero
// window and a threshold of 1; a reactive one with a threshold above 1 has a non-zero window.
const NON_ZERO = { not: { const: 0 } };
const TRIGGER_FIELD_RULES = [
  { properties: { posture: { const: "proactive" }, within: NON_ZERO, threshold: { const: 1 } }, required: ["posture", "within"] },
  { properties: { posture: { const: "reactive" }, threshold: { const: 1 } } },
  { properties: { posture: { const: "reactive" }, within: NON_ZERO }, required: ["within"] },
];

/** A trigger as users write it. */
export const triggerSpecSchema = z
  .strictObject({
    expect: z.union([eventNameSchema, z.array(eventNameSchema).min(1, "must name at least one event").max(MAX_EXPECTED_EVENTS)]),
    match: matchSpecSchema.optional(),
    posture: z.enum(TRIGGER_POSTURES).optional(),
    threshold: z.number().int("must be a whole number").min(1, "must be ≥ 1").max(MAX_THRESHOLD).optional(),
    within: durationSchema.optional(),
  })
  .meta({ anyOf: TRIGGER_FIELD_RULES });

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
    if (seconds === null || seconds > MAX_WITHIN_SECONDS) issues.push({ path: at("trigger.within"), message: DURATION_MESSAGE });
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
