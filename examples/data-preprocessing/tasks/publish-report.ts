/**
 * Step 8: report. Publishes the run's artifacts: a markdown summary, and tables of row counts per
 * step, of the data-quality report and of the features, so the dashboard's run page tells what
 * the run did without opening a file. Cached on its inputs and code like every step: a run that
 * reuses a published version adds no artifacts (the keyed artifacts of the run that published it
 * still describe it).
 */
import { createMarkdownArtifact, createTableArtifact, inputs, task, taskSource } from "weirflow";
import type { CleanDataset } from "./clean-data.js";
import type { RawDataset } from "./fetch-raw-data.js";
import type { PublishedOutputs } from "./publish-outputs.js";
import type { ScaledDataset } from "./scale-features.js";
import type { DatasetSplit } from "./split-dataset.js";
import type { QualityReport } from "./validate-data.js";

/** Everything the report is made of. */
export interface RunReportInput {
  raw: RawDataset;
  quality: QualityReport;
  clean: CleanDataset;
  featureRows: number;
  split: DatasetSplit;
  scaled: ScaledDataset;
  published: PublishedOutputs;
  testFraction: number;
  seed: number;
}

/** Keys of the artifacts the report publishes. */
export const REPORT_ARTIFACT_KEYS = ["data-preprocessing-summary", "data-preprocessing-row-counts", "data-preprocessing-quality", "data-preprocessing-features"];

/** Row counts after each step, as a table. */
export function rowCountTable(input: RunReportInput): { step: string; rows: number; note: string }[] {
  const { clean } = input;
  return [
    { step: "fetch", rows: input.raw.rows, note: `${input.raw.columns.length} columns` },
    { step: "validate", rows: input.quality.rows, note: `${input.quality.warnings.length} warning(s)` },
    {
      step: "clean",
      rows: clean.rowsOut,
      note: `${clean.duplicatesRemoved} duplicate(s) and ${clean.rowsWithoutDateRemoved} undated row(s) removed; ${clean.valuesImputed} value(s) imputed; ${clean.outliersClipped} outlier(s) clipped`,
    },
    { step: "features", rows: input.featureRows, note: `${input.scaled.summary.length} features` },
    { step: "split: train", rows: input.split.trainRows, note: `seed ${input.seed}` },
    { step: "split: test", rows: input.split.testRows, note: `fraction ${input.testFraction}` },
  ];
}

/** Publish the run's markdown and table artifacts. */
export const publishReport = task(
  { name: "publish-report", description: "Markdown and table artifacts", cache: { policy: inputs.and(taskSource) } },
  async (input: RunReportInput): Promise<string[]> => {
    const { raw, quality, clean, published } = input;
    const counts = rowCountTable(input);
    const markdown = [
      `# Data preprocessing: ${raw.source.name}`,
      "",
      `Version **${published.version}**, written to \`${published.dir}\`.`,
      "",
      `Source: ${raw.source.kind} \`${raw.source.location}\` (${raw.source.bytes} bytes, sha256 \`${raw.source.sha256.slice(0, 12)}…\`).`,
      "",
      "| step | rows | note |",
      "|---|---:|---|",
      ...counts.map((row) => `| ${row.step} | ${row.rows} | ${row.note} |`),
      "",
      "## Data quality",
      "",
      quality.warnings.length === 0 ? "No problems found." : quality.warnings.map((warning) => `- ${warning}`).join("\n"),
      "",
      "## Outputs",
      "",
      ...Object.entries(published.files).map(([name, file]) => `- \`${name}\` (${file.bytes} bytes)`),
    ].join("\n");
    await createMarkdownArtifact(markdown, { key: "data-preprocessing-summary", description: "What this run did" });
    await createTableArtifact(counts, { key: "data-preprocessing-row-counts", description: "Rows after each step" });
    await createTableArtifact(
      quality.columns.map((column) => ({ ...column })),
      { key: "data-preprocessing-quality", description: `Data-quality report of ${raw.source.name}` },
    );
    await createTableArtifact(
      input.scaled.summary.map((feature) => ({ ...feature })),
      { key: "data-preprocessing-features", description: `Features (${clean.rowsOut} cleaned rows; scaler fitted on the training split)` },
    );
    return REPORT_ARTIFACT_KEYS;
  },
);
