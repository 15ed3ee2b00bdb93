/**
 * The pipeline's parameters, validated before any work starts: a bad one fails the run at once
 * with a message naming it, and nothing is written.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { tryResolveSource } from "./data-source.js";

/** Default source: Seattle's daily weather 2012–2015, bundled with vega-datasets. */
export const DEFAULT_SOURCE = "seattle-weather";

/** Default output directory: `output/` next to this file (relative paths given resolve against the working directory). */
export const DEFAULT_OUTPUT_DIR = fileURLToPath(new URL("./output", import.meta.url));

/** Zod schema of the pipeline's parameters (its JSON Schema feeds the dashboard's run form). */
export const pipelineParameters = z.object({
  source: z
    .string()
    .min(1)
    .default(DEFAULT_SOURCE)
    .describe("A bundled vega-datasets table (seattle-weather, weather, …), a CSV/TSV/JSON/Parquet file path, or an http(s) URL")
    .superRefine((source, ctx) => {
      const resolved = tryResolveSource(source);
      if (typeof resolved === "string") ctx.addIssue({ code: "custom", message: resolved });
    }),
  outputDir: z.string().min(1).default(DEFAULT_OUTPUT_DIR).describe("Where versioned outputs are written (one folder per run)"),
  testFraction: z
    .number()
    .gt(0, { message: "testFraction must be greater than 0 and less than 1" })
    .lt(1, { message: "testFraction must be greater than 0 and less than 1" })
    .default(0.2)
    .describe("Share of rows in the test split, strictly between 0 and 1"),
  seed: z.number().int().default(42).describe("Seed of the deterministic train/test split"),
  rollingWindowDays: z.number().int().min(2).max(365).default(7).describe("Window of the rolling statistics, in rows (days)"),
  pythonProfile: z.boolean().default(false).describe("Also profile the training split in Python (pandas in the venv setup-python.sh makes)"),
});

/** Parameters as given (every field optional). */
export type PipelineParametersInput = z.input<typeof pipelineParameters>;

/** Parameters after validation and defaults. */
export type PipelineParameters = z.output<typeof pipelineParameters>;
