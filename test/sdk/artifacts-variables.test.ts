import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  flow,
  task,
  getRunContext,
  createMarkdownArtifact,
  createTableArtifact,
  createLinkArtifact,
  createProgressArtifact,
  updateProgressArtifact,
  Variables,
} from "../../src/index.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

describe("artifacts", () => {
  it("stores markdown, table, link and progress artifacts attached to their runs", async () => {
    const report = task("report", async () => {
      await createTableArtifact([{ city: "Oslo", rows: 3 }], { key: "cities" });
      return getRunContext().taskRunId!;
    });
    const f = flow("artifact-flow", async () => {
      await createMarkdownArtifact("# Done", { description: "summary" });
      await createLinkArtifact("https://example.com/data.csv", { text: "data" });
      const progress = await createProgressArtifact(10);
      await updateProgressArtifact(progress, 100);
      return { id: getRunContext().flowRunId!, taskRunId: await report(), progress };
    });
    const { id, taskRunId, progress } = await f();
    const { items } = await harness.client.listArtifacts({ flowRunId: id });
    const byType = Object.fromEntries(items.map((artifact) => [artifact.type, artifact]));
    expect(byType.markdown).toMatchObject({ data: "# Done", description: "summary", taskRunId: null });
    expect(byType.link?.data).toEqual({ url: "https://example.com/data.csv", text: "data" });
    expect(byType.table).toMatchObject({ key: "cities", taskRunId, data: [{ city: "Oslo", rows: 3 }] });
    expect((await harness.client.readArtifact(progress)).data).toBe(100);
  });

  it("rejects bad artifact input naming the field", async () => {
    await expect(createProgressArtifact(150)).rejects.toThrow(/progress/);
    await expect(createLinkArtifact("not a url")).rejects.toThrow(/url/);
  });
});

describe("Variables", () => {
  it("sets, gets (with a default) and unsets variables", async () => {
    expect(await Variables.get("region", "eu-west-1")).toBe("eu-west-1");
    await Variables.set("region", { name: "us-east-1" });
    const f = flow("variable-flow", async () => Variables.get<{ name: string }>("region"));
    expect(await f()).toEqual({ name: "us-east-1" });
    await Variables.unset("region");
    expect(await Variables.get("region")).toBeNull();
  });
});
