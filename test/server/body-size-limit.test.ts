/**
 * The body limit over real HTTP (src/server/body-size-limit.ts): a body over the limit is refused
 * with 413 whether it declares its length or comes chunked; bodies within it, and requests
 * without one, are served.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { rawRequest } from "./raw-http.js";

let database: TestDatabase;
let server: RunningServer;
beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ port: 0, databaseUrl: database.url, runServices: false, maxBodyBytes: 1000, log: () => undefined });
});
afterAll(async () => {
  await server.close();
  await database.dispose();
});

const json = { "content-type": "application/json" };
const flowBody = (description: string) => JSON.stringify({ name: "limited", description });

describe("request body limit", () => {
  it("refuses a body over the limit with or without Content-Length, and serves the others", async () => {
    const url = `${server.url}/api/flows`;
    const big = flowBody("x".repeat(2000));
    const small = flowBody("fits");
    expect((await rawRequest(url, { method: "POST", headers: { ...json, "content-length": String(Buffer.byteLength(big)) }, body: big })).status).toBe(413);
    const chunkedBig = await rawRequest(url, { method: "POST", headers: { ...json, "transfer-encoding": "chunked" }, body: big });
    expect(chunkedBig.status).toBe(413);
    expect(chunkedBig.text).toMatch(/over 1000 bytes/);
    expect((await rawRequest(url, { method: "POST", headers: { ...json, "transfer-encoding": "chunked" }, body: small })).status).toBe(200);
    expect((await rawRequest(url, { method: "POST", headers: { ...json, "content-length": String(Buffer.byteLength(small)) }, body: small })).status).toBe(200);
    expect((await rawRequest(`${server.url}/api/flows/limited`)).status).toBe(200);
  });
});
