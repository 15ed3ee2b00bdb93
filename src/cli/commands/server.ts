/**
 * `weir server start [--host] [--port] [--insecure] [--retention-days N]`: runs the Weir server in
 * the foreground until SIGTERM or SIGINT, then shuts down cleanly (services, connections,
 * database) and exits 0. The retention flags override WEIR_RETENTION_DAYS and
 * WEIR_RETENTION_INTERVAL_SECONDS (docs/production.md, "Retention").
 */
import type { Command } from "commander";
import { resolveSettings } from "../../client/settings.js";
import { UsageError } from "../usage-error.js";
import type { ServicesOptions } from "../../server/index.js";

/** The flags of `weir server start`, as commander gives them. */
interface ServerStartFlags {
  host: string;
  port: string;
  insecure: boolean;
  services: boolean;
  retentionDays?: string;
  retentionIntervalSeconds?: string;
}

/** The retention flags as services options; a flag left out leaves its setting to the environment. */
export function retentionOptions(flags: Pick<ServerStartFlags, "retentionDays" | "retentionIntervalSeconds">): ServicesOptions {
  const options: ServicesOptions = {};
  if (flags.retentionDays !== undefined) options.retentionSeconds = positiveNumber(flags.retentionDays, "--retention-days", "days") * 86_400;
  if (flags.retentionIntervalSeconds !== undefined) options.retentionIntervalSeconds = positiveNumber(flags.retentionIntervalSeconds, "--retention-interval-seconds", "seconds");
  return options;
}

function positiveNumber(value: string, flag: string, unit: string): number {
  const number = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(number > 0)) throw new UsageError(`${flag}: expected a number of ${unit} > 0, got '${value}'`);
  return number;
}

/** Register `weir server …` on the program. */
export function registerServerCommand(program: Command): void {
  const server = program.command("server").description("Run the Weir server (REST API, dashboard, background services)");
  server
    .command("start")
    .description("Start the server in the foreground; stop it with Ctrl-C or SIGTERM")
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--port <port>", "port to bind (0 picks a free one)", "4200")
    .option("--insecure", "allow a non-loopback host without WEIR_API_KEY", false)
    .option("--no-services", "do not run the background services (scheduler, crash detection, …)")
    .option("--retention-days <days>", "delete finished runs (states, logs, artifacts, server-stored results) older than this many days (default: WEIR_RETENTION_DAYS, else keep everything)")
    .option("--retention-interval-seconds <seconds>", "seconds between retention passes (default: WEIR_RETENTION_INTERVAL_SECONDS, else 3600)")
    .action(async (options: ServerStartFlags) => {
      const port = Number(options.port);
      if (!/^\d+$/.test(options.port) || port > 65_535) {
        throw new UsageError(`--port: expected an integer from 0 to 65535, got '${options.port}'`);
      }
      const servicesOptions = retentionOptions(options);
      const { startServer } = await import("../../server/start-server.js");
      // Same settings as the clients: environment, then $WEIR_HOME/config.json, then defaults.
      const settings = resolveSettings();
      const running = await startServer({
        host: options.host,
        port,
        isInsecure: options.insecure,
        runServices: options.services,
        databaseUrl: settings.databaseUrl,
        apiKey: settings.apiKey ?? "",
        servicesOptions,
      });
      await new Promise<void>((resolve) => {
        const shutDown = (signal: NodeJS.Signals): void => {
          process.off("SIGTERM", shutDown);
          process.off("SIGINT", shutDown);
          console.log(`Weir server stopping (${signal})`);
          running.close().then(
            () => resolve(),
            (error: unknown) => {
              console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
              process.exitCode = 1;
              resolve();
            },
          );
        };
        process.on("SIGTERM", shutDown);
        process.on("SIGINT", shutDown);
      });
      console.log("Weir server stopped");
    });
}
