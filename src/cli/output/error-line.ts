import { CommanderError } from "commander";
import { isWeirError } from "../../core/weir-error.js";

/**
 * One clear line for a failure: `Error: <message>`, never a stack trace (set `WEIR_DEBUG=1`
 * to get the stack as well).
 */
export function errorLine(error: unknown): string {
  const message = messageOf(error).replace(/\s*\n\s*/g, " ").trim();
  const line = `Error: ${message}`;
  if (process.env.WEIR_DEBUG && error instanceof Error && error.stack) return `${line}\n${error.stack}`;
  return line;
}

function messageOf(error: unknown): string {
  if (error instanceof CommanderError) return error.message.replace(/^error:\s*/i, "");
  if (isWeirError(error)) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
