import type { Command } from "commander";
import { cliClient } from "../cli-client.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { defaultResultStorage, storeNamed } from "../../sdk/results/result-store-for.js";
import type { ResultStore, StoredResultInfo } from "../../sdk/results/result-store.js";
import { ServerResultStore } from "../../sdk/results/server-result-store.js";

/** Register `weir storage ls [--store NAME]`: what a result store holds. */
export function registerStorageCommand(program: Command): void {
  const storage = program.command("storage").description("persisted results in result stores (local, server, s3://, file://)");

  storage
    .command("ls")
    .description("list the results a store holds, with their sizes")
    .option("--store <name>", "local, server, s3://bucket/prefix, file:///path or a directory (default: WEIR_RESULT_STORAGE, else server with a server, else local)")
    .option("--json", "print JSON")
    .action(async (options: { store?: string; json?: boolean }) => {
      const name = options.store ?? defaultResultStorage();
      // The server store goes through the CLI's own client (closed by main()).
      const store: ResultStore = name.trim() === "server" ? new ServerResultStore(cliClient) : storeNamed(name);
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
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
