/**
 * The stored events, `GET /api/events/feed`: a page of events newest first (`cursor`), or the
 * events after a follower's cursor oldest first (`after`). The live stream of changes stays at
 * `GET /api/events` (event-routes.ts).
 */
import type { StoredEventFilter } from "../../core/events.js";
import { WeirError } from "../../core/weir-error.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { eventPageSchema, listEventsQuerySchema } from "../schemas/stored-event-schemas.js";

/** The stored-events route. */
export function storedEventRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/events/feed",
      operationId: "listEvents",
      summary: "Stored events with filters: a page newest first (`cursor`), or those after a follow cursor oldest first (`after`) (listEvents, readEventsAfter)",
      query: listEventsQuerySchema,
      response: eventPageSchema,
      handle: async ({ query }) => {
        const filter: StoredEventFilter = {};
        if (query.event !== undefined) filter.events = query.event;
        if (query.resource !== undefined) filter.resourceId = query.resource;
        if (query.related !== undefined) filter.related = query.related;
        if (query.tag !== undefined) filter.tags = query.tag;
        if (query.since !== undefined) filter.since = query.since;
        if (query.until !== undefined) filter.until = query.until;
        const limit = query.limit === undefined ? {} : { limit: query.limit };
        if (query.after !== undefined) {
          if (query.cursor) throw WeirError.validation("input", [{ path: "after", message: "give either `cursor` (a listing's next page) or `after` (new events), not both" }]);
          const batch = await api.readEventsAfter({ ...filter, ...limit, after: query.after });
          return { events: batch.events, nextCursor: null, followCursor: batch.cursor };
        }
        return api.listEvents({ ...filter, ...limit, cursor: query.cursor ?? null });
      },
    }),
  ];
}
