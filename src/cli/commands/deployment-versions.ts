/**
 * `weir deployment versions NAME [--diff N]` and `weir deployment rollback NAME --to N`: the
 * history of a deployment's spec (who, when, what changed, the entrypoint file's hash), the diff
 * of one version from the previous, and a rollback that applies an earlier version's spec as a
 * new version (schedules still there keep their paused or active flag).
 */
import type { Command } from "commander";
import { diffDeploymentVersions, type DeploymentVersion } from "../../core/deployment-versions.js";
import { WeirError } from "../../core/weir-error.js";
import { cliClient } from "../cli-client.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { readAllPages } from "../output/read-all-pages.js";
import { resolveDeployment } from "./deployment-lookup.js";

function versionNumberOption(value: string | undefined, flag: string): number {
  const number = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw WeirError.validation("options", [{ path: flag, message: `must be a version number ≥ 1 (got '${String(value)}')` }]);
  }
  return number;
}

function versionTable(versions: readonly DeploymentVersion[]): string {
  return formatTable(
    [
      { header: "version", value: (v: DeploymentVersion) => String(v.version), align: "right" },
      { header: "created", value: (v) => v.createdAt },
      { header: "author", value: (v) => v.author, maxWidth: 30 },
      { header: "changed", value: (v) => (v.version === 1 ? "(first version)" : v.changedFields.join(", ")) + (v.rolledBackFrom === null ? "" : ` (rollback to v${v.rolledBackFrom})`), maxWidth: 60 },
      { header: "entrypoint sha256", value: (v) => (v.entrypointHash === null ? "-" : v.entrypointHash.slice(0, 12)) },
    ],
    versions,
    "(no versions recorded yet)",
  );
}

/** The diff of `version` from the one before it, one line per changed path. */
function versionDiff(previous: DeploymentVersion | null, version: DeploymentVersion): string {
  const lines = diffDeploymentVersions(previous, version);
  if (lines.length === 0) return `version ${version.version}: no change`;
  const header = `version ${version.version} (${version.createdAt}, ${version.author})${previous ? ` from version ${previous.version}` : ""}:`;
  return [header, ...lines.flatMap((line) => [...(line.before === undefined ? [] : [`- ${line.path}: ${line.before}`]), ...(line.after === undefined ? [] : [`+ ${line.path}: ${line.after}`])])].join("\n");
}

/** Register `weir deployment versions` and `weir deployment rollback`. */
export function registerDeploymentVersionCommands(deployment: Command): void {
  deployment
    .command("versions")
    .description("list a deployment's versions, newest first (who, when, what changed), or the diff of one from the previous")
    .argument("<name>", "flow/deployment (or id)")
    .option("--diff <version>", "show what this version changed from the one before it")
    .option("--json", "print JSON")
    .action(async (name: string, options: { diff?: string; json?: boolean }) => {
      const client = await cliClient();
      const found = await resolveDeployment(client, name);
      if (options.diff !== undefined) {
        const number = versionNumberOption(options.diff, "--diff");
        const version = await client.readDeploymentVersion(found.id, number);
        const previous = number > 1 ? await client.readDeploymentVersion(found.id, number - 1) : null;
        if (options.json) return printJson({ version, previous, diff: diffDeploymentVersions(previous, version) });
        return printLine(versionDiff(previous, version));
      }
      const versions = await readAllPages((cursor) => client.listDeploymentVersions(found.id, { cursor, limit: 1000 }));
      if (options.json) printJson(versions);
      else printLine(versionTable(versions));
    });

  deployment
    .command("rollback")
    .description("apply an earlier version's spec again, as a new version (paused schedules stay paused)")
    .argument("<name>", "flow/deployment (or id)")
    .requiredOption("--to <version>", "the version to roll back to")
    .option("--json", "print the deployment as JSON")
    .action(async (name: string, options: { to: string; json?: boolean }) => {
      const number = versionNumberOption(options.to, "--to");
      const client = await cliClient();
      const found = await resolveDeployment(client, name);
      const updated = await client.rollbackDeployment(found.id, number);
      if (options.json) return printJson(updated);
      const label = `${updated.flowName}/${updated.name}`;
      if (updated.versionNumber === found.versionNumber) printLine(`Deployment ${label} already has the spec of version ${number}: nothing changed (version ${String(updated.versionNumber)})`);
      else printLine(`Deployment ${label} rolled back to the spec of version ${number}, as version ${String(updated.versionNumber)}`);
    });
}
