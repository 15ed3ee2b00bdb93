/**
 * A PostgreSQL cluster of the test's own, for faults that must never touch the shared server
 * (an outage: the cluster is stopped and started again while Weir talks to it). `initdb` makes it
 * in a temporary directory, owned by the `postgres` system user when the tests run as root
 * (PostgreSQL refuses to run as root), listening on 127.0.0.1 at a free port with trust auth.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/free-port.js";

/** A running private cluster. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  url: string;
  port: number;
  /** Stop the server (fast shutdown: open connections are terminated, as in a real outage). */
  stop(): void;
  /** Start it again on the same port and data. */
  start(): void;
  /** Stop it and delete its data. */
  dispose(): void;
}

/** The folder of PostgreSQL's server programs (`initdb`, `pg_ctl`), or null when none is installed. */
export function postgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return bin;
  }
  return null;
}

/** Make and start a private cluster (throws when PostgreSQL's server programs are missing). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error("PostgreSQL server programs not found under /usr/lib/postgresql");
  const dir = mkdtempSync(join(tmpdir(), "weir-private-pg-"));
  const dataDir = join(dir, "data");
  const isRoot = process.getuid?.() === 0;
  const asOwner = (program: string, args: string[]): void => {
    const command = isRoot ? "runuser" : join(bin, program);
    const commandArgs = isRoot ? ["-u", "postgres", "--", join(bin, program), ...args] : args;
    execFileSync(command, commandArgs, { stdio: "pipe", cwd: dir });
  };
  if (isRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  asOwner("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = (): void => asOwner("pg_ctl", ["-D", dataDir, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "30", "start"]);
  const stop = (): void => asOwner("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
  start();
  let isDisposed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    dispose: () => {
      if (isDisposed) return;
      isDisposed = true;
      try {
        stop();
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

