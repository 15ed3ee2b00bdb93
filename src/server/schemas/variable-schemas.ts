/** Request schemas of the variable routes. */
import { z } from "zod";
import { nameSchema } from "./common-schemas.js";

/** Body of `PUT /api/variables/:name`. */
export const setVariableSchema = z.object({
  value: z.unknown().refine((value) => value !== undefined, "value is required"),
  tags: z.array(nameSchema).optional(),
});
