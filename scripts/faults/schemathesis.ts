/**
 * A bounded schemathesis run against a real `weir server start` (with an API key, so the auth
 * checks are real), on SQLite or, with WEIR_TEST_DB=postgres, on a fresh schema of the test
 * PostgreSQL. schemathesis is a Python tool: this script makes its own venv under
 * `.cache/schemathesis-venv` from PyPI the first time (never a runtime dependency of Weir), and
 * loads scripts/faults/schemathesis-hooks.py, which makes valid values of the string formats the
 * document names for checks JSON Schema cannot spell (cron, rrule, time-zone, page-cursor, smtp-url).
 *
 *   node --import tsx scripts/faults/schemathesis.ts [--max-examples N] [--max-time SECONDS]
 *
 * Exits with schemathesis's code (0 when every check passed on every operation) and prints a
 * one-line summary `schemathesis: <generated> cases, <failures> failures` for docs/reliability.md.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startWeirServer, stopProcess } from "../../bench/server-url.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const VENV = join(ROOT, ".cache", "schemathesis-venv");
const SCHEMATHESIS_VERSION = "4.32.5";
const API_KEY = "schemathesis-key";
/** Generators for the formats the document names (cron, rrule, time-zone, page-cursor). */
const HOOKS = join(ROOT, "scripts", "faults", "schemathesis-hooks.py");
const POSTGRES_URL = process.env.WEIR_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** The checks that must hold on every operation. */
const CHECKS = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_headers_conformance",
  "response_schema_conformance",
  "negative_data_rejection",
  "positive_data_acceptance",
  "missing_required_header",
  "unsupported_method",
  "allow_header_conformance",
  "ignored_auth",
];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function ensureSchemathesis(): string {
  const st = join(VENV, "bin", "st");
  if (existsSync(st)) return st;
  mkdirSync(join(ROOT, ".cache"), { recursive: true });
  console.log(`schemathesis: making ${VENV} (pip install schemathesis==${SCHEMATHESIS_VERSION})`);
  execFileSync("python3", ["-m", "venv", VENV], { stdio: "inherit" });
  execFileSync(join(VENV, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `schemathesis==${SCHEMATHESIS_VERSION}`], { stdio: "inherit" });
  return st;
}

async function databaseUrl(home: string): Promise<{ url: string; dispose: () => Promise<void> }> {
  if (process.env.WEIR_TEST_DB !== "postgres") return { url: `sqlite://${join(home, "weir.db")}`, dispose: async () => undefined };
  const schema = `st_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const run = async (sql: string): Promise<void> => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE SCHEMA "${schema}"`);
  return { url: `${POSTGRES_URL}?schema=${schema}`, dispose: () => run(`DROP SCHEMA "${schema}" CASCADE`) };
}

async function main(): Promise<number> {
  const st = ensureSchemathesis();
  const home = mkdtempSync(join(tmpdir(), "weir-schemathesis-"));
  const database = await databaseUrl(home);
  // Fault tests talk only to 127.0.0.1: no background services (the automations and notification
  // services would send what schemathesis generates to the hosts it names), and the one operation
  // that sends a notification at once is left out.
  const { child, url } = startWeirServer(home, database.url, { ...process.env, WEIR_API_KEY: API_KEY, WEIR_FROM_SOURCE: "1" }, "pipe", ["--no-services"]);
  try {
    const apiUrl = await url;
    const args = [
      "--config-file", join(ROOT, "scripts", "faults", "schemathesis.toml"),
      "run", `${apiUrl}/api/openapi.json`,
      "--header", `Authorization: Bearer ${API_KEY}`,
      "--checks", CHECKS.join(","),
      "--phases", "examples,coverage,fuzzing",
      "--max-examples", String(option("--max-examples", 25)),
      "--max-time", String(option("--max-time", 240)),
      "--workers", "2",
      // A claim on an empty task queue may wait at the server for up to 20 s (waitSeconds).
      "--request-timeout", "30",
      "--seed", process.env.WEIR_SCHEMATHESIS_SEED ?? "20261203",
      "--suppress-health-check", "all",
      "--no-color",
      "--exclude-operation-id", "testNotification",
    ];
    const output: string[] = [];
    const code = await new Promise<number>((done) => {
      const run = spawn(st, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, SCHEMATHESIS_HOOKS: HOOKS } });
      run.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        output.push(chunk);
        process.stdout.write(chunk);
      });
      run.on("close", (exit) => done(exit ?? 1));
    });
    const text = output.join("");
    const generated = /(\d+) generated/.exec(text)?.[1] ?? "?";
    const failures = /found (\d+) unique failures?/.exec(text)?.[1] ?? (code === 0 ? "0" : "?");
    console.log(`schemathesis: ${generated} cases on ${process.env.WEIR_TEST_DB === "postgres" ? "PostgreSQL" : "SQLite"}, ${failures} failures`);
    return code;
  } finally {
    await stopProcess(child);
    await database.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}

process.exitCode = await main();
