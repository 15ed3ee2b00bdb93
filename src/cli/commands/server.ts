/**
 * `weir server start [--host] [--port] [--insecure]`: runs the Weir server in the foreground until
 * SIGTERM or SIGINT, then shuts down cleanly (services, connections, database) and exits 0.
 */
import type { Command } from "commander";
import { resolveSettings } from "../../client/settings.js";
import { UsageError } from "../usage-error.js";

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
    .action(async (options: { host: string; port: string; insecure: boolean; services: boolean }) => {
      const port = Number(options.port);
      if (!/^\d+$/.test(options.port) || port > 65_535) {
        throw new UsageError(`--port: expected an integer from 0 to 65535, got '${options.port}'`);
      }
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
