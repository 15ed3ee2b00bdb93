// Module resolution hook of a source run of `weir` (registered by bin/weir.js): imports resolve
// with the "weir-source" export condition as well, so a flow file's `import … from "weirflow"`
// reaches src/index.ts (package.json "exports"), the very module the CLI itself runs from.
const CONDITION = "weir-source";

/** Add the "weir-source" condition to every resolution (only this package's exports name it). */
export async function resolve(specifier, context, nextResolve) {
  if (context.conditions.includes(CONDITION)) return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, CONDITION] });
}
