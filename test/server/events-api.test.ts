/**
 * Stored events through the REST API (in process, no sockets), on SQLite and PostgreSQL:
 * `GET /api/events/feed` lists with filters and pages, follows with `after`, refuses bad
 * queries naming the field; `HttpClient.listEvents/readEventsAfter` round-trip; the live stream
 * `GET /api/events` is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventPage, StoredEvent } from "../../src/core/events.js";
import { followEvents } from "../../src/core/follow-events.js";
import { makeState } from "../../src/core/states.js";
import { createServerTestApp, type ServerTestApp } from "./server-test-app.js";

let server: ServerTestApp;
beforeAll(async () => {
  server = await createServerTestApp();
});
afterAll(async () => server?.close());

async function get(query: string): Promise<{ status: number; body: unknown }> {
  const response = await server.fetch(`http://localhost/api/events/feed${query}`);
  return { status: response.status, body: await response.json() };
}

describe("GET /api/events/feed", () => {
  it("lists a run's state events newest first, filtered and paged", async () => {
    const run = await server.client.createFlowRun({ flowName: "api-events", tags: ["api"] });
    await server.client.setFlowRunState(run.id, { state: makeState("Running") });
    await server.client.setFlowRunState(run.id, { state: makeState("Crashed", { message: "lost" }) });
    const all = await get(`?resource=${run.id}`);
    expect(all.status).toBe(200);
    const page = all.body as EventPage;
    expect(page.events.map((event) => event.event)).toEqual(["flow-run.Crashed", "flow-run.Running", "flow-run.Pending"]);
    expect(page.nextCursor).toBeNull();

    const first = (await get(`?tag=api&limit=2`)).body as EventPage;
    expect(first.events).toHaveLength(2);
    const second = (await get(`?tag=api&limit=2&cursor=${first.nextCursor}`)).body as EventPage;
    expect([...first.events, ...second.events].map((event) => event.id)).toEqual(page.events.map((event) => event.id));

    const crashed = (await get(`?event=flow-run.Crash*,deployment.created&related=${run.flowId}`)).body as EventPage;
    expect(crashed.events.map((event) => event.event)).toEqual(["flow-run.Crashed"]);
    expect(crashed.events[0]!.payload).toMatchObject({ state: { message: "lost" } });

    const viaClient = await server.client.listEvents({ resourceId: run.id, events: ["flow-run.Running"] });
    expect(viaClient.events.map((event) => event.id)).toEqual([page.events[1]!.id]);
  });

  it("follows new events with after=, oldest first, each once", async () => {
    const start = (await get(`?after=&tag=follow`)).body as EventPage;
    expect(start.events).toEqual([]);
    const run = await server.client.createFlowRun({ flowName: "api-follow", tags: ["follow"] });
    const next = (await get(`?after=${start.followCursor}&tag=follow`)).body as EventPage;
    expect(next.events.map((event) => event.event)).toEqual(["flow-run.Pending"]);
    expect(next.nextCursor).toBeNull();
    expect(((await get(`?after=${next.followCursor}&tag=follow`)).body as EventPage).events).toEqual([]);

    const stop = new AbortController();
    const seen: StoredEvent[] = [];
    const following = (async () => {
      for await (const event of followEvents({ read: (input) => server.client.readEventsAfter(input), filter: { resourceId: run.id }, after: next.followCursor, signal: stop.signal, pollIntervalMs: 20 })) {
        seen.push(event);
        stop.abort();
      }
    })();
    await server.client.setFlowRunState(run.id, { state: makeState("Running") });
    await following;
    expect(seen.map((event) => event.event)).toEqual(["flow-run.Running"]);
  });

  it("refuses bad queries naming the field", async () => {
    for (const [query, field] of [
      ["?event=a*b", "event"],
      ["?since=yesterday", "since"],
      ["?limit=0", "limit"],
      ["?cursor=xyz", "cursor"],
      ["?after=xyz", "after"],
    ] as const) {
      const answer = await get(query);
      expect(answer.status, query).toBe(422);
      expect(JSON.stringify(answer.body), query).toContain(field);
    }
    const listing = (await get("?limit=1")).body as EventPage;
    const both = await get(`?cursor=${listing.followCursor}&after=${listing.followCursor}`);
    expect(both.status).toBe(422);
    expect(JSON.stringify(both.body)).toContain("either");
  });
});
