import type { Command } from "commander";
import { cliClient } from "../cli-client.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { WeirError } from "../../core/weir-error.js";
import { defaultResultStorage, storeNamed } from "../../sdk/results/result-store-for.js";
import type { ResultStore, StoredResultInfo } from "../../sdk/results/result-store.js";
import { ServerResultStore } from "../../sdk/results/server-result-store.js";

/** Register `weir storage ls|prune [--store NAME]`: what a result store holds, and reclaiming what no run refers to. */
export function registerStorageCommand(program: Command): void {
  const storage = program.command("storage").description("persisted results in result stores (local, server, s3://, file://)");

  storage
    .command("ls")
    .description("list the results a store holds, with their sizes")
    .option("--store <name>", "local, server, s3://bucket/prefix, file:///path or a directory (default: WEIR_RESULT_STORAGE, else server with a server, else local)")
    .option("--json", "print JSON")
    .action(async (options: { store?: string; json?: boolean }) => {
      const store = storeOf(options.store);
      try {
        const items = await store.list();
        if (options.json) return printJson({ store: store.url, items });
        const total = items.reduce((sum, item) => sum + item.sizeBytes, 0);
        printLine(`${store.url}: ${items.length} result${items.length === 1 ? "" : "s"}, ${formatBytes(total)}`);
        if (items.length > 0) {
          printLine(
            formatTable<StoredResultInfo>(
              [
                { header: "key", value: (item) => item.key },
                { header: "size", value: (item) => formatBytes(item.sizeBytes) },
                { header: "written", value: (item) => item.modifiedAt ?? "" },
              ],
              items,
            ),
          );
        }
      } finally {
        await (store as { close?: () => Promise<void> }).close?.();
      }
    });

  storage
    .command("prune")
    .description("delete the results no run refers to any more (their runs were deleted, e.g. by retention)")
    .option("--store <name>", "the store (default as for ls)")
    .option("--older-than-hours <hours>", "only results written at least this long ago (a running task's result may not be recorded yet)", "24")
    .option("--dry-run", "only say what would be deleted")
    .option("--json", "print JSON")
    .action(async (options: { store?: string; olderThanHours: string; dryRun?: boolean; json?: boolean }) => {
      const hours = Number(options.olderThanHours);
      if (!Number.isFinite(hours) || hours < 0) throw new WeirError("VALIDATION", `--older-than-hours: expected a number ≥ 0, got '${options.olderThanHours}'`);
      const store = storeOf(options.store);
      try {
        const client = await cliClient();
        const cutoff = Date.now() - hours * 3600 * 1000;
        const candidates = (await store.list()).filter((item) => item.modifiedAt !== null && Date.parse(item.modifiedAt) <= cutoff);
        const orphans: StoredResultInfo[] = [];
        for (let start = 0; start < candidates.length; start += 500) {
          const batch = candidates.slice(start, start + 500);
          const referenced = new Set(await client.referencedResultKeys(batch.map((item) => item.key)));
          orphans.push(...batch.filter((item) => !referenced.has(item.key)));
        }
        if (!options.dryRun) for (const item of orphans) await store.delete(item.key);
        const bytes = orphans.reduce((sum, item) => sum + item.sizeBytes, 0);
        if (options.json) return printJson({ store: store.url, deleted: options.dryRun ? [] : orphans.map((item) => item.key), wouldDelete: options.dryRun ? orphans.map((item) => item.key) : [], bytes });
        printLine(`${store.url}: ${options.dryRun ? "would delete" : "deleted"} ${orphans.length} of ${candidates.length} result${candidates.length === 1 ? "" : "s"} older than ${hours} h (${formatBytes(bytes)}) that no run refers to`);
      } finally {
        await (store as { close?: () => Promise<void> }).close?.();
      }
    });
}

function storeOf(option: string | undefined): ResultStore {
  const name = option ?? defaultResultStorage();
  // The server store goes through the CLI's own client (closed by main()).
  return name.trim() === "server" ? new ServerResultStore(cliClient) : storeNamed(name);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
