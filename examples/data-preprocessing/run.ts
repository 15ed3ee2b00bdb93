/**
 * Run the pipeline once from the command line, recorded like any other run:
 * `node --import tsx examples/data-preprocessing/run.ts [source] [outputDir]`.
 */
import { flushAll } from "weirflow";
import { dataPreprocessing } from "./pipeline.js";

const [source, outputDir] = process.argv.slice(2);
const result = await dataPreprocessing({ ...(source === undefined ? {} : { source }), ...(outputDir === undefined ? {} : { outputDir }) });
console.log(JSON.stringify(result, null, 2));
await flushAll();
