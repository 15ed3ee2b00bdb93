/** How the CLI names where workers get a deployment's code. */
import type { CodePull } from "../../core/models.js";

/** `git <url> at <ref>`, `bundle <hash>`, or `-` (code read in place at the deployment's path). */
export function describeCodePull(pull: CodePull | null | undefined): string {
  if (!pull) return "-";
  return pull.kind === "git" ? `git ${pull.url} at ${pull.ref}${pull.credentialsSecret ? ` (credentials: secret ${pull.credentialsSecret})` : ""}` : `bundle ${pull.hash}`;
}
