/** Flows of bench/deployment-latency.ts (deployed by entrypoint, so they live in their own module). */
// Imported as a user would: "weirflow" (the package itself: its compiled dist/, or src/ under the "weir-source" condition).
import { flow, task } from "weirflow";

/** A run that does nothing. */
export const trivial = flow({ name: "bench-trivial", logPrints: false }, async () => 0);

/** Naive Fibonacci: CPU work of a known cost. */
export function fibo(n: number): number {
  return n < 2 ? n : fibo(n - 1) + fibo(n - 2);
}

/** One fibo(n) as a task. */
export const fiboTask = task("bench-fibo", async (n: number) => fibo(n));

/** `count` sequential fibo(n) tasks in one run. */
export const fiboChain = flow({ name: "bench-fibo-chain", logPrints: false }, async ({ n, count }: { n: number; count: number }) => {
  let total = 0;
  for (let i = 0; i < count; i++) total += await fiboTask(n);
  return total;
});
