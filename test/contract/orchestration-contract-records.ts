/** Contract part: logs (order, cursor, level), artifacts and variables. */
import { describe, expect, it } from "vitest";
import type { LogLevel } from "../../src/core/models.js";
import { expectWeirError, type ContractScope } from "./contract-helpers.js";

/** Define the logs/artifacts/variables part of the contract. */
export function defineRecordContract({ client, clock }: ContractScope): void {
  describe("logs, artifacts, variables", () => {
    it("appends logs and reads them in order by an afterId cursor and a level filter", async () => {
      const run = await client().createFlowRun({ flowName: "logs" });
      const levels: LogLevel[] = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
      const logs = Array.from({ length: 30 }, (_, index) => ({
        flowRunId: run.id,
        level: levels[index % levels.length] as LogLevel,
        name: "weir.test",
        message: `line ${index}`,
        timestamp: new Date(clock.now().getTime() + index).toISOString(),
      }));
      await client().appendLogs(logs.slice(0, 10));
      await client().appendLogs(logs.slice(10));
      const all = await client().readLogs({ flowRunId: run.id });
      expect(all.map((log) => log.message)).toEqual(logs.map((log) => log.message));
      const firstPage = await client().readLogs({ flowRunId: run.id, limit: 12 });
      const lastId = firstPage[firstPage.length - 1]?.id ?? 0;
      const rest = await client().readLogs({ flowRunId: run.id, afterId: lastId });
      expect([...firstPage, ...rest].map((log) => log.message)).toEqual(logs.map((log) => log.message));
      const errors = await client().readLogs({ flowRunId: run.id, minLevel: "ERROR" });
      expect(errors.map((log) => log.level)).toEqual(logs.filter((log) => log.level === "ERROR" || log.level === "CRITICAL").map((log) => log.level));
      await expectWeirError(client().appendLogs([{ ...logs[0], level: "LOUD" as LogLevel } as (typeof logs)[number]]), "VALIDATION", "level");
    });

    it("creates, updates, reads and lists artifacts", async () => {
      const run = await client().createFlowRun({ flowName: "artifacts" });
      const table = await client().createArtifact({ key: "report", type: "table", data: [{ a: 1 }], flowRunId: run.id, description: "rows" });
      const progress = await client().createArtifact({ type: "progress", data: 10, flowRunId: run.id });
      const updated = await client().updateArtifact(progress.id, { data: 80 });
      expect(updated.data).toBe(80);
      expect((await client().readArtifact(table.id)).data).toEqual([{ a: 1 }]);
      const listed = await client().listArtifacts({ flowRunId: run.id });
      expect(listed.items.map((artifact) => artifact.id).sort()).toEqual([table.id, progress.id].sort());
      expect((await client().listArtifacts({ key: "report" })).items.map((artifact) => artifact.id)).toContain(table.id);
      await expectWeirError(client().createArtifact({ type: "hologram" as "table", data: 1 }), "VALIDATION", "type");
      await expectWeirError(client().updateArtifact(progress.id, { data: 101 }), "CONFLICT", "data");
      await expectWeirError(client().readArtifact(crypto.randomUUID()), "NOT_FOUND");
    });

    it("sets, reads, lists and deletes variables of any JSON value", async () => {
      expect(await client().getVariable("missing_var")).toBeNull();
      await client().setVariable("greeting", "hello");
      const updated = await client().setVariable("greeting", { text: "hi", n: [1, 2] }, ["t"]);
      expect(updated).toMatchObject({ name: "greeting", value: { text: "hi", n: [1, 2] }, tags: ["t"] });
      await client().setVariable("count", 3);
      expect((await client().getVariable("count"))?.value).toBe(3);
      const names = (await client().listVariables({ limit: 1000 })).items.map((variable) => variable.name);
      expect(names).toEqual(expect.arrayContaining(["count", "greeting"]));
      await client().deleteVariable("count");
      expect(await client().getVariable("count")).toBeNull();
      await expectWeirError(client().deleteVariable("count"), "NOT_FOUND");
      await expectWeirError(client().setVariable("bad name!", 1), "VALIDATION", "name");
    });
  });
}
