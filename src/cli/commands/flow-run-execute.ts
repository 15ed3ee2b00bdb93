import type { Command } from "commander";
import { executeDeploymentFlowRun } from "../flow-runs/flow-run-child.js";

/**
 * Register the internal `weir flow-run execute ID` that worker child processes run: load the
 * run's deployment entrypoint, execute the (already claimed) run here, flush every buffer, and
 * exit 0 only when it ends Completed. `bin/weir.js` sends a real child straight to
 * flow-run-child-main.ts (which also has the warm `--wait` mode); this is the same command for
 * `main()` callers and `--help`.
 */
export function registerFlowRunExecuteCommand(flowRun: Command): void {
  flowRun
    .command("execute", { hidden: true })
    .description("execute a claimed deployment flow run in this process (used by workers)")
    .argument("<id>", "flow run id")
    .action(async (id: string) => {
      const code = await executeDeploymentFlowRun(id);
      if (code !== 0) process.exitCode = code;
    });
}
