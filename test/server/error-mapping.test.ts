/**
 * Errors become responses in one place: malformed JSON 400, schema-invalid 422 naming each
 * field, unknown ids and routes 404, oversized bodies 413; the client rebuilds the WeirError.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { makeState } from "../../src/core/states.js";
import { WeirError } from "../../src/core/weir-error.js";
import { IN_PROCESS_URL, createServerTestApp, type ServerTestApp } from "./server-test-app.js";

let server: ServerTestApp;

beforeAll(async () => {
  server = await createServerTestApp({ maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await server.close();
});

async function post(path: string, body: string): Promise<{ status: number; json: { error: { code: string; message: string; details?: { issues?: { path: string }[] } } } }> {
  const response = await server.app.request(`${IN_PROCESS_URL}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: response.status, json: (await response.json()) as never };
}

describe("error mapping", () => {
  it("malformed JSON is a 400 BAD_REQUEST", async () => {
    const { status, json } = await post("/api/flows", "{\"name\": ");
    expect(status).toBe(400);
    expect(json.error.code).toBe("BAD_REQUEST");
    expect(json.error.message).toMatch(/malformed JSON/);
  });

  it("schema-invalid input is a 422 naming each bad field", async () => {
    const { status, json } = await post("/api/flows", JSON.stringify({ name: 42, tags: ["ok", 7] }));
    expect(status).toBe(422);
    expect(json.error.code).toBe("VALIDATION");
    const paths = json.error.details?.issues?.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "tags.1"]));
    expect(json.error.message).toContain("name");
  });

  it("bad query values are a 422 naming the parameter", async () => {
    const response = await server.app.request(`${IN_PROCESS_URL}/api/artifacts?limit=abc&type=bogus`);
    expect(response.status).toBe(422);
    const json = (await response.json()) as { error: { details: { issues: { path: string }[] } } };
    expect(json.error.details.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(["limit", "type"]));
    const runs = await server.app.request(`${IN_PROCESS_URL}/api/flow-runs?stateType=RUNNING,NOPE`);
    expect(runs.status).toBe(422);
    expect(((await runs.json()) as { error: { message: string } }).error.message).toMatch(/stateType/);
  });

  it("unknown ids and unknown routes are 404, and the client rebuilds NOT_FOUND", async () => {
    expect((await server.app.request(`${IN_PROCESS_URL}/api/flow-runs/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await server.app.request(`${IN_PROCESS_URL}/api/nothing-here`)).status).toBe(404);
    const error = await server.client.readFlowRun(crypto.randomUUID()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe("NOT_FOUND");
  });

  it("a body over the limit is a 413", async () => {
    const big = JSON.stringify({ name: "big", description: "x".repeat(100 * 1024) });
    const { status, json } = await post("/api/flows", big);
    expect(status).toBe(413);
    expect(json.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("the client splits task-run batches over its batch size, so none hits the body limit", async () => {
    const client = new HttpClient({ apiUrl: IN_PROCESS_URL, fetch: server.fetch, maxBatchBytes: 32 * 1024 });
    await client.upsertFlow({ name: "wide" });
    const run = await client.createFlowRun({ flowName: "wide" });
    const writes = Array.from({ length: 200 }, (_, index) => ({
      id: crypto.randomUUID(),
      flowRunId: run.id,
      name: `t-${index}`,
      taskKey: "t",
      dynamicKey: String(index),
      inputs: { text: "x".repeat(1000) },
      states: [makeState("Completed")],
    }));
    await client.writeTaskRuns(writes);
    expect((await client.listTaskRuns({ flowRunId: run.id }, { limit: 1000 })).items).toHaveLength(200);
    await expect(server.client.writeTaskRuns(writes)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    await client.close();
  });

  it("the client rebuilds VALIDATION with its field issues", async () => {
    const error = await server.client.createConcurrencyLimit({ tag: "", limit: -1 }).catch((caught: unknown) => caught);
    expect((error as WeirError).code).toBe("VALIDATION");
    expect((error as WeirError).details?.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "tag" }), expect.objectContaining({ path: "limit" })]),
    );
  });

  it("health and ready answer; the OpenAPI document lists every route", async () => {
    expect(await (await server.app.request(`${IN_PROCESS_URL}/api/health`)).json()).toEqual({ status: "ok" });
    expect(await (await server.app.request(`${IN_PROCESS_URL}/api/ready`)).json()).toEqual({ status: "ready" });
    const document = (await (await server.app.request(`${IN_PROCESS_URL}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe("3.1.0");
    for (const route of server.routes) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      expect(document.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
    }
  });
});
