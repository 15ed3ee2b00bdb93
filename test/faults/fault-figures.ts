/**
 * Figures of the fault suite for docs/reliability.md: each check appends one JSON line (check,
 * engine, time, figures) to test-results/faults/figures.jsonl, since passing tests print nothing.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/run-process.js";
import { testEngine } from "../helpers/test-database.js";

/** Record the figures of one check on the current engine. */
export function recordFaultFigures(check: string, figures: Record<string, unknown>): void {
  const dir = join(REPO_ROOT, "test-results", "faults");
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, "figures.jsonl"), JSON.stringify({ check, engine: testEngine(), at: new Date().toISOString(), ...figures }) + "\n");
}
