/**
 * The tutorial's `deployment.py`, in TypeScript: registers the greeting flow as the deployment
 * `greeting/basic_greeting`, on work queue GreetingWorkQueue, every day at 08:00 in Phnom Penh.
 * Run it: `node --import tsx examples/greeting/deployment.ts`, then start a worker:
 * `weir agent start -q GreetingWorkQueue`.
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Deployment } from "weirflow/core";
import { greeting } from "./main.js";

/** Apply the deployment (the tutorial's `Deployment.build_from_flow(...).apply()`). */
export async function applyGreetingDeployment(): Promise<Deployment> {
  return greeting.deploy({
    name: "basic_greeting",
    workQueue: "GreetingWorkQueue",
    parameters: { name: "Navin" },
    schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" },
    // Where the worker finds the flow, relative to the run's working directory (this one).
    entrypoint: `${relative(process.cwd(), fileURLToPath(new URL("./main.ts", import.meta.url)))}:greeting`,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const deployment = await applyGreetingDeployment();
  console.log(`deployment greeting/${deployment.name} applied (queue ${deployment.workQueueName})`);
}
