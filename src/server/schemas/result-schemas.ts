/** Request and response schemas of the result routes (the `server` result store). */
import { z } from "zod";
import type { StoredResult, StoredResultPage } from "../../core/stored-result.js";
import { MAX_RESULT_KEY_LENGTH, RESULT_KEY_PATTERN } from "../../core/input-limits.js";
import { queryInt, timestampSchema } from "./common-schemas.js";

/** A result key, as the result store checks it. */
export const resultKeySchema = z
  .string()
  .max(MAX_RESULT_KEY_LENGTH)
  .regex(new RegExp(RESULT_KEY_PATTERN), "must be 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit, without '..'")
  .meta({ minLength: 1 });

/** Padded base64: groups of 4 characters, the last one ending in `=` or `==` when short. */
const PADDED_BASE64 = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$";
// Checked without that regular expression: on a 27 MB upload its repeated group overflows the
// stack (500). The document still states it as the pattern.
const BASE64_BODY = /^[A-Za-z0-9+/]*(?:={1,2})?$/;
function isPaddedBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_BODY.test(text);
}
const base64Schema = z.string().refine(isPaddedBase64, "must be base64 (groups of 4 characters, padded with '=')").meta({ pattern: PADDED_BASE64 });

/** Body of `PUT /api/results/:key`. */
export const putResultSchema = z.object({ data: base64Schema.meta({ description: "The serialized result, base64." }) });

/** Answer of `GET /api/results/:key`. */
export const resultDataSchema = z.object({ data: z.string().meta({ description: "The serialized result, base64." }) }).meta({ id: "ResultData", description: "A stored result's bytes." });

/** A stored result as listings show it. */
export const storedResultSchema = z
  .object({ key: z.string(), sizeBytes: z.number().int(), createdAt: timestampSchema })
  .meta({ id: "StoredResult", description: "A result in the server's result store." }) satisfies z.ZodType<StoredResult>;

/** Query of `GET /api/results`. */
export const resultListQuerySchema = z.object({ after: z.string().max(200).optional(), limit: queryInt(1, 1000).optional() });

/** Body and answer of `POST /api/results/referenced`. */
export const resultKeysSchema = z.object({ keys: z.array(resultKeySchema).max(1000) }).meta({ id: "ResultKeys", description: "Result keys." });

/** Answer of `GET /api/results`. */
export const storedResultPageSchema = z
  .object({ items: z.array(storedResultSchema), nextAfter: z.string().nullable() })
  .meta({ id: "StoredResultPage", description: "Stored results by key; `nextAfter` continues the listing." }) satisfies z.ZodType<StoredResultPage>;
