/** Request and response schemas of the stored events (`GET /api/events/feed`, src/core/events.ts). */
import { z } from "zod";
import type { EventResource, StoredEvent } from "../../core/events.js";
import { MAX_EVENT_NAME_LENGTH } from "../../core/events.js";
import { csvNames, jsonObjectSchema, nameSchema, pageCursorSchema, queryInt, timestampSchema } from "./common-schemas.js";

/** A resource an event is about or relates to. */
export const eventResourceSchema = z
  .object({ kind: z.string(), id: z.string(), name: z.string().nullable().optional() })
  .meta({ id: "EventResource", description: "A resource: `kind` (flow-run, flow, deployment, work-pool, work-queue, worker, tag, …), its `id` (work pools by name, tags by the tag) and `name`." }) satisfies z.ZodType<EventResource>;

/** A stored event. */
export const storedEventSchema = z
  .object({
    id: z.string(),
    occurred: timestampSchema,
    event: z.string().meta({ description: "`<resource kind>.<state name or verb>`, e.g. `flow-run.Failed`, `deployment.updated`" }),
    resource: eventResourceSchema,
    related: z.array(eventResourceSchema),
    payload: jsonObjectSchema,
  })
  .meta({ id: "StoredEvent", description: "A stored event (docs/api.md, Events)." }) satisfies z.ZodType<StoredEvent>;

/** The answer of `GET /api/events/feed`. */
export const eventPageSchema = z
  .object({
    events: z.array(storedEventSchema),
    nextCursor: z.string().nullable(),
    followCursor: z.string(),
  })
  .meta({
    id: "EventPage",
    description:
      "Without `after`: a page of events, newest first; `nextCursor` is the next (older) page's `cursor` (null on the last). With `after`: the events after it, oldest first, and `nextCursor` null. Either way `followCursor` is the `after` of the next read of new events.",
  });

// An event-name filter item: a name, or a prefix ending in `*` (the service's eventNameFilterProblem).
const EVENT_FILTER_ITEM = `[^,\\u0000-\\u001f*]{0,${MAX_EVENT_NAME_LENGTH - 1}}\\*?`;

/** Query of `GET /api/events/feed`. */
export const listEventsQuerySchema = z.object({
  event: z
    .string()
    .regex(new RegExp(`^${EVENT_FILTER_ITEM}(?:,${EVENT_FILTER_ITEM})*$`, "u"), "must be a comma-separated list of event names; a name ending in `*` is a prefix")
    .transform((text) => text.split(",").filter((part) => part !== ""))
    .optional()
    .meta({ description: "comma-separated event names; `flow-run.*` matches every name starting with `flow-run.`" }),
  resource: nameSchema.optional().meta({ description: "the id of the resource the events are about" }),
  related: csvNames().optional().meta({ description: "comma-separated ids of related resources (flow, deployment, work pool by name, parent flow run); each must be related" }),
  tag: csvNames().optional().meta({ description: "comma-separated tags; each must be among the event's tags" }),
  since: timestampSchema.optional(),
  until: timestampSchema.optional(),
  limit: queryInt(1, 1000).optional(),
  cursor: pageCursorSchema.optional(),
  after: pageCursorSchema.optional().meta({
    description: "A `followCursor` from before: answer the events after it, oldest first (empty: from now on). Not with `cursor`.",
  }),
});
