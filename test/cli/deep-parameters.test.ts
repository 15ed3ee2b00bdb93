/**
 * Parameters nested deeper than JSON storage allows are refused on the client with the path
 * named, before any request: by the CLI's parser (a usage error) and by the HTTP client (a
 * VALIDATION error instead of a stack overflow while writing the body).
 */
import { describe, expect, it } from "vitest";
import { parseParameters } from "../../src/cli/parse-parameters.js";
import { HttpClient } from "../../src/client/http-client.js";
import { isWeirError } from "../../src/core/weir-error.js";

const deepArrays = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("too deep parameters", () => {
  it("the CLI refuses --params nested 5,000 deep, naming where, and accepts 99 levels", () => {
    expect(() => parseParameters([], `{"value":${deepArrays(5000)}}`)).toThrow(/invalid parameters: parameters\.value\[0\].* is nested deeper than 100 levels/);
    expect(parseParameters([], `{"value":${deepArrays(99)}}`)).toHaveProperty("value");
  });

  it("the HTTP client answers VALIDATION for a body JSON cannot write, and sends nothing", async () => {
    let requests = 0;
    const client = new HttpClient({ apiUrl: "http://127.0.0.1:9/api", fetch: async () => (requests++, new Response("{}")) });
    let value: unknown = [];
    for (let i = 0; i < 20_000; i++) value = [value];
    const error = await client.createFlowRun({ flowName: "deep", parameters: { value } }).catch((caught: unknown) => caught);
    expect(isWeirError(error) && error.code).toBe("VALIDATION");
    expect((error as Error).message).toMatch(/POST \/flow-runs: body\.parameters\.value\[0\].* is nested deeper than 100 levels/);
    expect(requests).toBe(0);
    await client.close();
  });
});
