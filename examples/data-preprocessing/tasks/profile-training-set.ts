/**
 * Optional step (parameter `pythonProfile`): profile the published training split in Python,
 * with pandas from the virtual environment `setup-python.sh` makes (`.venv/` next to this
 * example), or the `python3` on PATH with its standard library when there is no venv. Shows a
 * Python step in a TypeScript flow: its prints are the task run's logs, its value comes back on
 * a `::weir-result::` line.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonTask } from "weirflow";

/** The virtual environment of the Python step (made by `setup-python.sh`). */
export const PYTHON_VENV = fileURLToPath(new URL("../.venv", import.meta.url));

/** Summary of one numeric column of the training split. */
export interface ColumnProfile {
  count: number;
  missing: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** What the Python step returns. */
export interface TrainingProfile {
  engine: "pandas" | "stdlib";
  pandasVersion?: string;
  rows: number;
  columns: string[];
  numeric: Record<string, ColumnProfile>;
}

const hasVenv = existsSync(join(PYTHON_VENV, "bin", "python"));

/** Profile a training CSV (`{ csv: path }`) in Python. */
export const profileTrainingSet = pythonTask<{ csv: string }, TrainingProfile>({
  name: "profile-training-set",
  script: fileURLToPath(new URL("../python/profile_training_set.py", import.meta.url)),
  ...(hasVenv ? { venv: PYTHON_VENV } : {}),
  retries: 1,
  timeoutSeconds: 300,
});
