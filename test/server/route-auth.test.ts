/**
 * With an API key configured, every registered route (JSON and stream) answers 401 without it
 * or with a wrong one, except health and ready; with the key, none answers 401.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IN_PROCESS_URL, createServerTestApp, type ServerTestApp } from "./server-test-app.js";

const API_KEY = "test-key-0123456789";
let server: ServerTestApp;

beforeAll(async () => {
  server = await createServerTestApp({ apiKey: API_KEY });
});
afterAll(async () => {
  await server.close();
});

function concretePath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "nope");
}

async function call(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const hasBody = method !== "GET" && method !== "DELETE";
  const controller = new AbortController();
  const response = await server.app.request(`${IN_PROCESS_URL}${path}`, {
    method,
    headers: { ...(hasBody ? { "content-type": "application/json" } : {}), ...headers },
    body: hasBody ? "{}" : undefined,
    signal: controller.signal,
  });
  // Streams stay open: read nothing more than the status, then hang up.
  const isStream = response.headers.get("content-type")?.startsWith("text/event-stream") ?? false;
  const text = isStream ? "" : await response.text();
  controller.abort();
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status, text };
}

describe("API key", () => {
  it("the registry lists the stream route and every resource", () => {
    const paths = new Set(server.routes.map((route) => route.path));
    for (const prefix of ["flows", "flow-runs", "task-runs", "logs", "artifacts", "variables", "concurrency-limits", "deployments", "schedules", "work-pools", "work-queues", "workers", "events"]) {
      expect([...paths].some((path) => path.startsWith(`/api/${prefix}`)), prefix).toBe(true);
    }
  });

  it("every route but health and ready answers 401 without the key or with a wrong one", async () => {
    const routes = [...server.routes, { method: "GET", path: "/api/openapi.json", isPublic: false }];
    for (const route of routes) {
      const path = concretePath(route.path);
      const anonymous = await call(route.method, path);
      const wrong = await call(route.method, path, { authorization: `Bearer ${API_KEY}x` });
      if (route.isPublic) {
        expect(anonymous.status, `${route.method} ${route.path}`).not.toBe(401);
      } else {
        expect(anonymous.status, `${route.method} ${route.path}`).toBe(401);
        expect(wrong.status, `${route.method} ${route.path} (wrong key)`).toBe(401);
        const body = JSON.parse(anonymous.text) as { error: { code: string } };
        expect(body.error.code).toBe("UNAUTHORIZED");
      }
    }
    expect(routes.filter((route) => route.isPublic).map((route) => route.path).sort()).toEqual(["/api/health", "/api/ready"]);
  });

  it("with the key no route answers 401, and the stream accepts ?apiKey=", async () => {
    for (const route of server.routes) {
      const response = await call(route.method, concretePath(route.path), { authorization: `Bearer ${API_KEY}` });
      expect(response.status, `${route.method} ${route.path}`).not.toBe(401);
    }
    expect((await call("GET", `/api/events?apiKey=${API_KEY}`)).status).toBe(200);
    expect((await call("GET", `/api/events?apiKey=wrong`)).status).toBe(401);
    expect((await call("GET", `/api/flows?apiKey=${API_KEY}`)).status).toBe(401);
  });
});
