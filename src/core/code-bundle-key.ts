/** The result-store key of the code bundle with SHA-256 `hash` (uploaded by `weir deploy`, downloaded by workers). */
export function codeBundleKey(hash: string): string {
  return `code-bundle-${hash}.tar.gz`;
}
