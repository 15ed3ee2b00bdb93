/**
 * The flagship example: an ML team's daily data preprocessing, as a Weir flow.
 *
 * fetch → validate → clean → engineer features → split → scale → publish outputs → report.
 * DuckDB does the work; intermediate data lives in Parquet files under `<outputDir>/.cache/`, and
 * tasks pass only small descriptions of them (paths with content hashes). Every step is cached
 * with the SDK's cache policies: on its inputs and its code (`inputs.and(taskSource)`), and, for a
 * step that writes files, only while they are intact (`cache.isValid`). A rerun on unchanged data
 * with the same parameters is Cached from end to end and returns the version already published;
 * deleting a file makes the step that wrote it run again, and the steps after it run only when
 * that step's new output differs. Each new version is a folder (Parquet + CSV + manifest +
 * quality report) that appears only once complete.
 *
 * With `pythonProfile: true`, a Python step (pandas, in the venv `setup-python.sh` makes) profiles
 * the published training split and its profile comes back in the result.
 *
 * Run it once: `node --import tsx examples/data-preprocessing/run.ts [source]`;
 * deploy it: `weir deploy --all` (see weir.yaml).
 */
import { join } from "node:path";
import { flow, getRunContext, getRunLogger } from "weirflow";
import { pipelineParameters } from "./pipeline-parameters.js";
import { cleanData } from "./tasks/clean-data.js";
import { engineerFeatures } from "./tasks/engineer-features.js";
import { fetchRawData } from "./tasks/fetch-raw-data.js";
import { fingerprintSource } from "./tasks/fingerprint-source.js";
import { publishOutputs } from "./tasks/publish-outputs.js";
import { profileTrainingSet, type TrainingProfile } from "./tasks/profile-training-set.js";
import { publishReport, rowCountTable } from "./tasks/publish-report.js";
import { scaleFeatures } from "./tasks/scale-features.js";
import { splitDataset } from "./tasks/split-dataset.js";
import { validateData } from "./tasks/validate-data.js";
import { resolveOutputDir } from "./work-dirs.js";

/** What a pipeline run returns (kept small: it is stored with the run). */
export interface PipelineResult {
  flowRunId: string | null;
  version: string;
  dir: string;
  rowCounts: Record<string, number>;
  files: string[];
  /** The Python profile of the training split (only with `pythonProfile: true`). */
  profile?: TrainingProfile;
}

/** The data-preprocessing flow (flow name `data-preprocessing`). */
export const dataPreprocessing = flow(
  {
    name: "data-preprocessing",
    description: "Fetch, validate, clean, engineer features, split and publish a versioned training set",
    version: "1.0.0",
    params: pipelineParameters,
  },
  async (params): Promise<PipelineResult> => {
    const logger = getRunLogger();
    const { flowRunId } = getRunContext();
    const outputDir = resolveOutputDir(params.outputDir);
    const source = await fingerprintSource(params.source, outputDir);
    logger.info(`source ${source.name}: ${source.bytes} bytes, sha256 ${source.sha256.slice(0, 12)}`);
    const raw = await fetchRawData(source, outputDir);
    const quality = await validateData(raw);
    for (const warning of quality.warnings) logger.warning(`data quality: ${warning}`);
    const clean = await cleanData(raw, quality);
    const features = await engineerFeatures(clean, params.rollingWindowDays);
    const split = await splitDataset(features, params.testFraction, params.seed);
    const scaled = await scaleFeatures(features, split);
    const published = await publishOutputs(
      outputDir,
      {
        // pythonProfile changes no published file: the version stays the same with or without it.
        parameters: { ...withoutKey(params, "pythonProfile"), outputDir },
        source: { name: source.name, kind: source.kind, location: source.location, sha256: source.sha256, bytes: source.bytes },
        rowCounts: { raw: raw.rows, clean: clean.rowsOut, features: features.rows, train: split.trainRows, test: split.testRows },
        features: { scaled: features.numericFeatures, discrete: features.discreteFeatures, categoryLevels: features.categoryLevels },
        scalers: scaled.scalers,
      },
      quality,
      scaled.outputs,
    );
    const report = { raw, quality, clean, featureRows: features.rows, split, scaled, published, testFraction: params.testFraction, seed: params.seed };
    await publishReport(report);
    logger.info(`version ${published.version} is in ${published.dir}`);
    const profile = params.pythonProfile ? await profileTrainingSet({ csv: join(published.dir, "train.csv") }) : undefined;
    if (profile !== undefined) logger.info(`python profile (${profile.engine}): ${profile.rows} rows, ${Object.keys(profile.numeric).length} numeric columns`);
    return {
      flowRunId,
      version: published.version,
      dir: published.dir,
      rowCounts: Object.fromEntries(rowCountTable(report).map((row) => [row.step, row.rows])),
      files: Object.keys(published.files),
      ...(profile === undefined ? {} : { profile }),
    };
  },
);

function withoutKey<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}
