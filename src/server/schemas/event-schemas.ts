/** Schema of the live stream's events (`GET /api/events`, one `data:` JSON per message). */
import { z } from "zod";
import type { WeirEvent } from "../../core/models.js";
import { artifactSchema } from "./artifact-schemas.js";
import { deploymentSchema } from "./deployment-schemas.js";
import { flowRunSchema } from "./flow-run-schemas.js";
import { logRecordSchema } from "./log-schemas.js";
import { taskRunSchema } from "./task-run-schemas.js";
import { workerSchema } from "./work-pool-schemas.js";

/** A change the live stream reports, told apart by `kind`. */
export const weirEventSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("flow-run"), flowRun: flowRunSchema }),
    z.object({ kind: z.literal("task-run"), taskRun: taskRunSchema }),
    z.object({ kind: z.literal("logs"), logs: z.array(logRecordSchema) }),
    z.object({ kind: z.literal("artifact"), artifact: artifactSchema }),
    z.object({ kind: z.literal("deployment"), deployment: deploymentSchema }),
    z.object({ kind: z.literal("worker"), worker: workerSchema }),
  ])
  .meta({ id: "WeirEvent", description: "A change the live stream reports: a run, task run, log lines, artifact, deployment or worker." }) satisfies z.ZodType<WeirEvent>;
