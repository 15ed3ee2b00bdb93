/**
 * Why a worker could not get a run's code (an unknown ref, an unreachable repository, a bundle
 * missing on the server, a failed `npm ci`): the run fails with this message in its logs.
 */
export class CodePullError extends Error {
  override readonly name = "CodePullError";
}
