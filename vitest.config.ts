import { defineConfig } from "vitest/config";

// Two projects: `unit` (storage, SDK, server, worker, CLI; run once per database through
// WEIR_TEST_DB) and `ui` (the dashboard in Chromium). See README "Tests".
export default defineConfig({
  test: {
    // Console output of a test is shown only when that test fails.
    silent: "passed-only",
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
          exclude: ["ui/**", "node_modules/**", "dist/**"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: "forks",
          env: { WEIR_FROM_SOURCE: "1" },
        },
      },
      {
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
