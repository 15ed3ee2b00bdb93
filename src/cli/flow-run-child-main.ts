/**
 * Entry of a worker's run child: `bin/weir.js flow-run execute (ID | --wait)` imports this file
 * instead of main.ts, so the child loads neither commander nor the other commands (see
 * flow-runs/flow-run-child.ts). Errors end as one `Error:` line and exit code 1, as in the CLI.
 * The run outlives a worker that dies: its output may lose its reader (flow-runs/ignore-closed-output.ts).
 */
import { errorLine } from "./output/error-line.js";
import { runFlowRunChild } from "./flow-runs/flow-run-child.js";
import { ignoreClosedOutput } from "./flow-runs/ignore-closed-output.js";
import { closeCliClientWithin, EXIT_FAILURE, exitOnStrayFailure } from "./process-exit.js";

ignoreClosedOutput();
exitOnStrayFailure();
let code: number;
try {
  code = await runFlowRunChild(process.argv.slice(4));
} catch (error) {
  process.stderr.write(`${errorLine(error)}\n`);
  code = EXIT_FAILURE;
}
await closeCliClientWithin();
process.exit(code);
