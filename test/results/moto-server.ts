/**
 * A local S3-protocol server for the s3:// result store tests: Python's `moto[server]` from PyPI,
 * in a venv this helper makes under `.cache/moto-venv` the first time (never a dependency of
 * Weir). moto is a PROTOCOL STAND-IN for S3, not S3: Weir's code path is the one it takes against
 * real S3 (the same @aws-sdk/client-s3 calls), only the endpoint differs (WEIR_S3_ENDPOINT).
 * Without python3 the tests that need it are skipped, with a message saying so.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { freePort } from "../helpers/free-port.js";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/run-process.js";

const VENV = join(REPO_ROOT, ".cache", "moto-venv");
const MOTO_VERSION = "5.1.18";

/** Whether python3 can be run here. */
export function hasPython(): boolean {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The reason the S3 tests are skipped, or null when they can run. */
export const MOTO_SKIP_REASON = hasPython() ? null : "python3 is missing: the s3:// result store tests need it to run moto (a local S3-protocol stand-in)";

function ensureMoto(): string {
  const server = join(VENV, "bin", "moto_server");
  if (existsSync(server)) return server;
  mkdirSync(join(REPO_ROOT, ".cache"), { recursive: true });
  execFileSync("python3", ["-m", "venv", VENV], { stdio: "ignore" });
  execFileSync(join(VENV, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `moto[server]==${MOTO_VERSION}`], { stdio: "ignore" });
  return server;
}


/** A running moto server. */
export interface MotoServer {
  /** e.g. `http://127.0.0.1:40123` */
  endpoint: string;
  /** The environment a client needs to reach it (fake credentials, region, WEIR_S3_ENDPOINT). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Start moto on a free port and wait until it answers. */
export async function startMoto(): Promise<MotoServer> {
  const server = ensureMoto();
  const port = await freePort();
  const child: ChildProcess = spawn(server, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  for (let waited = 0; ; waited += 100) {
    try {
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch (error) {
      if (waited > 30_000 || child.exitCode !== null) {
        await stop();
        throw new Error(`moto did not start on ${endpoint}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    endpoint,
    env: { WEIR_S3_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: "moto-test", AWS_SECRET_ACCESS_KEY: "moto-test", AWS_REGION: "us-east-1" },
    stop,
  };
}

/** Create a bucket on the server (the way a user would, through the AWS SDK). */
export async function createBucket(moto: MotoServer, bucket: string): Promise<void> {
  const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
  const s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "moto-test", secretAccessKey: "moto-test" } });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}
