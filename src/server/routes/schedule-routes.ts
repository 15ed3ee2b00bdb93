/** `POST /api/schedules/preview`: the next run times of a schedule spec, in its time zone. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { schedulePreviewResultSchema, schedulePreviewSchema } from "../schemas/deployment-schemas.js";

/** The schedule routes. */
export function scheduleRoutes(_dependencies: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/schedules/preview",
      operationId: "previewSchedule",
      summary: "Next run times of a cron, interval or RRULE schedule (default 5, after now): `{ times: string[] }`",
      body: schedulePreviewSchema,
      response: schedulePreviewResultSchema,
      handle: async ({ body }) => {
        // Loaded on first use: schedule math (rrule) is not needed to start the server.
        const { nextScheduleTimes, validateScheduleSpec } = await import("../../core/schedules/next-schedule-times.js");
        validateScheduleSpec(body.schedule);
        const after = body.after ? new Date(body.after) : new Date();
        const times = nextScheduleTimes(body.schedule, { after, count: body.count ?? 5 });
        // Times past the end of the Date range (huge intervals) end the preview.
        const valid = times.filter((time) => Number.isFinite(time.getTime()));
        return { times: valid.map((time) => time.toISOString()) };
      },
    }),
  ];
}
