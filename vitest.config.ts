import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Examples import the package by its name; in tests that is this checkout's src/ (as for
// `weir` run from source: the "weir-source" condition of package.json "exports").
const source = fileURLToPath(new URL("./src/", import.meta.url));
const sourceAlias = {
  alias: [
    { find: /^weirflow$/, replacement: `${source}index.ts` },
    { find: /^weirflow\/(client|core|server|worker)$/, replacement: `${source}$1/index.ts` },
  ],
};

// Command-line tests that spawn `weir` many times (each start costs about a second of CPU on a
// 2-core machine). The engine behind them is the service layer that the API and contract tests
// check on both databases. To keep `npm run check` (and CI) within its time budget:
// - CLI_SLOW_FILES (several minutes together) run only in `npm run test:cli`;
// - CLI_HEAVY_FILES run in the SQLite pass only.
// WEIR_TEST_ALL_FILES=1 (`npm run test:pg:all`, `npm run test:cli`) runs everything asked for.
const CLI_SLOW_FILES = [
  "test/cli/resource-commands.test.ts",
  "test/cli/flow-run-commands.test.ts",
  "test/cli/settings-commands.test.ts",
  "test/worker/deploy-commands.test.ts",
  "test/cli/deployment-versions.test.ts",
];
const CLI_HEAVY_FILES = [
  "test/cli/param-parsing.test.ts",
  "test/cli/failure-logs.test.ts",
  "test/cli/http-mode.test.ts",
  "test/packaging/install-tarball.test.ts",
  // Real server, worker and run processes, a minute each on a loaded machine; what they check
  // of the database is covered on PostgreSQL by the contract and API tests.
  "test/worker/code-pull.test.ts",
  "test/task-queue/task-queue-processes.test.ts",
  "test/task-queue/task-queue-http-processes.test.ts",
  "test/worker/execution-modes.test.ts",
  "test/automations/automations-e2e.test.ts",
  "test/server/notification-api.test.ts",
  "test/cli/traces.test.ts",
  "test/cli/events-command.test.ts",
  // Process behaviour (signals, orphaned run processes, a worker killed, sleeping runs, the
  // quickstart, storage commands); the database side of each has its own test on both databases
  // (crash detection, late runs, claims, result stores).
  "test/worker/orphaned-run-process.test.ts",
  "test/worker/worker-processes.test.ts",
  "test/worker/sleep-until.test.ts",
  "test/examples/quickstart.test.ts",
  "test/results/storage-command.test.ts",
];
const allFiles = process.env.WEIR_TEST_ALL_FILES === "1";
const leftOut = allFiles ? [] : [...CLI_SLOW_FILES, ...(process.env.WEIR_TEST_DB === "postgres" ? CLI_HEAVY_FILES : [])];

// Three projects: `unit` (storage, SDK, server, worker, CLI; run once per database through
// WEIR_TEST_DB), `faults` (the fault suite, `npm run faults`) and `ui` (the dashboard in
// Chromium). See README "Tests".
export default defineConfig({
  test: {
    // Console output of a test is shown only when that test fails.
    silent: "passed-only",
    projects: [
      {
        resolve: sourceAlias,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
          // test/faults/slow/ runs only in `npm run faults` (the `faults` project below).
          exclude: ["ui/**", "node_modules/**", "dist/**", "test/faults/slow/**", ...leftOut],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: "forks",
          // Two files at a time even on 2 cores (vitest's default there is one): most files wait
          // on child processes, HTTP and databases rather than use a core.
          maxWorkers: 2,
          env: { WEIR_FROM_SOURCE: "1" },
        },
      },
      {
        resolve: sourceAlias,
        test: {
          // The standing fault suite (docs/reliability.md): the fast checks of test/faults/ that
          // `npm run check` also runs, and the slow ones of test/faults/slow/.
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          pool: "forks",
          fileParallelism: false,
          env: { WEIR_FROM_SOURCE: "1" },
        },
      },
      {
        resolve: sourceAlias,
        test: {
          name: "ui",
          include: ["ui/test/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
          fileParallelism: false,
          env: { WEIR_FROM_SOURCE: "1" },
        },
      },
    ],
  },
});
