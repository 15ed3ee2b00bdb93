/** Response schemas of the liveness and readiness routes. */
import { z } from "zod";

/** Answer of `GET /api/health`. */
export const healthSchema = z.object({ status: z.literal("ok") }).meta({ id: "Health" });

/** Answer of `GET /api/ready`. */
export const readinessSchema = z.object({ status: z.literal("ready") }).meta({ id: "Readiness" });
