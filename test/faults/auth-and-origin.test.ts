/**
 * Fault suite (fast, also in `npm run check`): the auth matrix and cross-site requests. Every
 * operation of the OpenAPI document is sent without a key, with a wrong key and with the right
 * key to a server with a key; and to the default no-key loopback server as a web page would send
 * it (a foreign `Origin` or `Sec-Fetch-Site: cross-site`, a `text/plain` body) and under a foreign
 * `Host` (DNS rebinding). None of these may be accepted; the CLI's own requests still are.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { recordFaultFigures } from "./fault-figures.js";

const KEY = "the-right-key";
const FAKE_ID = "00000000-0000-4000-8000-000000000000";

interface Operation {
  method: string;
  path: string;
  isPublic: boolean;
  hasBody: boolean;
}

interface Answer {
  status: number;
  body: string;
}

const database = useTestDatabase();
let keyed: RunningServer;
let open: RunningServer;
let operations: Operation[] = [];

beforeAll(async () => {
  const common = { port: 0, databaseUrl: database.url, runServices: false, uiDir: null, log: () => undefined };
  keyed = await startServer({ ...common, apiKey: KEY });
  open = await startServer({ ...common, apiKey: "" });
  const document = JSON.parse((await send(open, "GET", "/api/openapi.json")).body) as {
    paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown }>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{[^}]+\}/g, FAKE_ID),
      isPublic: Array.isArray(operation.security) && operation.security.length === 0,
      hasBody: operation.requestBody !== undefined,
    })),
  );
});

afterAll(async () => {
  await keyed?.close();
  await open?.close();
});

/** One request with node:http (fetch would not send a foreign `Host`). */
function send(server: RunningServer, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, method, path, headers: { ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }), ...headers } },
      (response) => {
        // An event stream (/api/events) never ends: its status is the answer.
        if (String(response.headers["content-type"]).startsWith("text/event-stream")) {
          response.destroy();
          resolve({ status: response.statusCode ?? 0, body: "" });
          return;
        }
        let text = "";
        response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** Operations answered with a status outside `expected`, as "METHOD path → status". */
async function refusedOtherwise(server: RunningServer, list: readonly Operation[], expected: readonly number[], headers: (operation: Operation) => Record<string, string>, body?: (operation: Operation) => string | undefined): Promise<string[]> {
  const wrong: string[] = [];
  for (const operation of list) {
    const answer = await send(server, operation.method, operation.path, headers(operation), body?.(operation));
    if (!expected.includes(answer.status)) wrong.push(`${operation.method} ${operation.path} → ${answer.status}`);
  }
  return wrong;
}

/** How many flows, deployments and variables the database holds (a cross-site request must add none). */
async function storedCount(): Promise<number> {
  let total = 0;
  for (const path of ["/api/flows", "/api/deployments", "/api/variables", "/api/work-pools"]) {
    const answer = await send(open, "GET", path);
    total += (JSON.parse(answer.body) as { items: unknown[] }).items.length;
  }
  return total;
}

describe("auth matrix", () => {
  it("refuses every non-public operation without a key and with a wrong key (401)", async () => {
    const guarded = operations.filter((operation) => !operation.isPublic);
    expect(guarded.length).toBeGreaterThan(20);
    const json = (operation: Operation) => (operation.hasBody ? "{}" : undefined);
    const jsonType = (operation: Operation): Record<string, string> => (operation.hasBody ? { "content-type": "application/json" } : {});
    const withoutKey = await refusedOtherwise(keyed, guarded, [401], jsonType, json);
    const wrongKey = await refusedOtherwise(keyed, guarded, [401], (operation) => ({ authorization: "Bearer not-the-key", ...jsonType(operation) }), json);
    expect(withoutKey).toEqual([]);
    expect(wrongKey).toEqual([]);
    recordFaultFigures("auth-matrix", { operations: guarded.length, requests: guarded.length * 2, accepted: withoutKey.length + wrongKey.length });
  });

  it("accepts the right key on every operation (no 401, no 5xx)", async () => {
    const answers: string[] = [];
    for (const operation of operations) {
      const answer = await send(keyed, operation.method, operation.path, { authorization: `Bearer ${KEY}`, ...(operation.hasBody ? { "content-type": "application/json" } : {}) }, operation.hasBody ? "{}" : undefined);
      if (answer.status === 401 || answer.status >= 500) answers.push(`${operation.method} ${operation.path} → ${answer.status}`);
    }
    expect(answers).toEqual([]);
  });
});

describe("cross-site requests to the no-key loopback server", () => {
  it("refuses a foreign Origin with a text/plain body (403) on every operation, and stores nothing", async () => {
    const before = await storedCount();
    const wrong = await refusedOtherwise(open, operations, [403], () => ({ origin: "http://evil.example", "content-type": "text/plain" }), (operation) => (operation.hasBody ? "{}" : undefined));
    // The attack of issue 11: a deployment whose job variables change how Node starts.
    const attack = await send(open, "POST", "/api/deployments", { origin: "http://evil.example", "content-type": "text/plain" }, JSON.stringify({ name: "evil", flowName: "evil", entrypoint: "x.ts:evil", path: "/tmp", jobVariables: { NODE_OPTIONS: "--import=data:text/javascript,1" } }));
    expect(attack.status).toBe(403);
    expect(wrong).toEqual([]);
    expect(await storedCount()).toBe(before);
    recordFaultFigures("cross-site-origin", { requests: operations.length + 1, accepted: wrong.length + (attack.status === 403 ? 0 : 1) });
  });

  it("refuses Sec-Fetch-Site: cross-site without an Origin (403)", async () => {
    const wrong = await refusedOtherwise(open, operations, [403], () => ({ "sec-fetch-site": "cross-site", "content-type": "application/json" }), (operation) => (operation.hasBody ? "{}" : undefined));
    expect(wrong).toEqual([]);
  });

  it("refuses a foreign Host on every route, the dashboard included (421 or 403)", async () => {
    const routes: Operation[] = [...operations, { method: "GET", path: "/", isPublic: true, hasBody: false }];
    const wrong = await refusedOtherwise(open, routes, [421, 403], () => ({ host: "attacker.example", "content-type": "application/json" }), (operation) => (operation.hasBody ? "{}" : undefined));
    expect(wrong).toEqual([]);
    recordFaultFigures("foreign-host", { requests: routes.length, answered: wrong.length });
  });

  it("refuses a body that is not application/json (415) even from the server's own origin", async () => {
    const withBody = operations.filter((operation) => operation.hasBody);
    const own = new URL(open.url).origin;
    const wrong = await refusedOtherwise(open, withBody, [415], () => ({ origin: own, "content-type": "text/plain" }), () => "{}");
    expect(wrong).toEqual([]);
  });

  it("still serves the CLI (no Origin), the dashboard's own origin and localhost", async () => {
    const port = new URL(open.url).port;
    const variants: Record<string, string>[] = [{}, { origin: new URL(open.url).origin }, { host: `localhost:${port}` }, { host: `127.0.0.1:${port}` }];
    for (const headers of variants) {
      const answer = await send(open, "PUT", "/api/variables/same-site", { "content-type": "application/json", ...headers }, JSON.stringify({ value: 1 }));
      expect(answer.status, JSON.stringify(headers)).toBe(200);
    }
  });
});
