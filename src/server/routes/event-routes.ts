/**
 * The live stream `GET /api/events[?flowRunId=&workPool=&stateType=]`: Server-Sent Events, one `data:` JSON
 * WeirEvent per message, from the orchestration event bus; a comment line every 15 s keeps
 * proxies from closing an idle stream.
 */
import { z } from "zod";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { STATE_TYPES } from "../../core/states.js";
import { csvOf, nameSchema } from "../schemas/common-schemas.js";
import { weirEventSchema } from "../schemas/event-schemas.js";

const KEEP_ALIVE_MS = 15_000;

/** Query of `GET /api/events`. */
export const eventsQuerySchema = z.object({
  flowRunId: nameSchema.optional(),
  workPool: nameSchema.optional().meta({ description: "Only flow-run events of runs in this work pool" }),
  stateType: csvOf(STATE_TYPES).optional().meta({ description: `Only flow-run events of runs in one of these state types (comma-separated: ${STATE_TYPES.join(",")})` }),
});

/** The event stream route. */
export function eventRoutes({ subscribe }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/events",
      operationId: "streamEvents",
      summary: "Live stream of run, state, log and artifact changes (Server-Sent Events; `?apiKey=` accepted for EventSource)",
      query: eventsQuerySchema,
      isStream: true,
      response: weirEventSchema,
      handle: async ({ query, context }) => {
        const stop = new AbortController();
        const requestSignal = context.req.raw.signal;
        requestSignal.addEventListener("abort", () => stop.abort(), { once: true });
        const encoder = new TextEncoder();
        const filter = {
          ...(query.flowRunId === undefined ? {} : { flowRunId: query.flowRunId }),
          ...(query.workPool === undefined ? {} : { workPoolName: query.workPool }),
          ...(query.stateType === undefined ? {} : { stateTypes: query.stateType }),
        };
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode(": connected\n\n"));
            const keepAlive = setInterval(() => {
              try {
                controller.enqueue(encoder.encode(": keep-alive\n\n"));
              } catch {
                stop.abort();
              }
            }, KEEP_ALIVE_MS);
            keepAlive.unref();
            void (async () => {
              try {
                for await (const event of subscribe(stop.signal, filter)) {
                  controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
                }
              } catch {
                // The stream ends below either way; the client reconnects.
              } finally {
                clearInterval(keepAlive);
                try {
                  controller.close();
                } catch {
                  // Already closed by a cancel.
                }
              }
            })();
          },
          cancel() {
            stop.abort();
          },
        });
        return new Response(body, {
          headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" },
        });
      },
    }),
  ];
}
