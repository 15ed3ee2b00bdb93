/**
 * The tutorial's `main.py`, in TypeScript: a greeting flow made of two tasks.
 * Run it: `node --import tsx examples/greeting/main.ts` (or `weir run examples/greeting/main.ts:greeting --param name=Navin`).
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { flow, task } from "weirflow";

/** Says hello. */
export const sayHello = task("say_hello", async () => {
  console.log("Hello, World! I'm Navin!");
});

/** Says a name. */
export const sayName = task("say_name", async (name: string) => {
  console.log(`my name is, ${name}!`);
});

/** The greeting flow. */
export const greeting = flow({ name: "greeting", params: z.object({ name: z.string() }) }, async ({ name }) => {
  await sayHello();
  await sayName(name);
});

// Python's `if __name__ == "__main__":` — run only when executed, not when a worker imports the flow.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await greeting({ name: "Navin" });
}
