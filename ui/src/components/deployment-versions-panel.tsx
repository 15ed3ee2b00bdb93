/**
 * A deployment's versions (newest first): who changed what and when, the diff of each version
 * from the previous one, and a Roll back button that applies an earlier version's spec as a new
 * version (paused schedules stay paused). Older versions load a page at a time.
 */
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Page } from "../../../src/core/api-types.js";
import { diffDeploymentVersions, type DeploymentVersion } from "../../../src/core/deployment-versions.js";
import { api } from "../api/api-client.js";
import { formatRelative, formatTime } from "../lib/format.js";
import { ErrorNote } from "./error-note.js";

const PAGE_SIZE = 10;

/** The diff of `version` from `previous` (fetched when not on the loaded pages). */
function VersionDiff({ deploymentId, version, previous }: { deploymentId: string; version: DeploymentVersion; previous: DeploymentVersion | undefined }) {
  const needsFetch = previous === undefined && version.version > 1;
  const fetched = useQuery({
    queryKey: ["deployment-version", deploymentId, version.version - 1],
    enabled: needsFetch,
    queryFn: ({ signal }) => api<DeploymentVersion>(`/deployments/${deploymentId}/versions/${version.version - 1}`, { signal }),
  });
  if (fetched.error) return <ErrorNote error={fetched.error} />;
  const before = previous ?? fetched.data ?? null;
  if (needsFetch && before === null) return <p className="muted">Loading…</p>;
  const lines = diffDeploymentVersions(before, version);
  return (
    <div className="version-diff" data-testid="version-diff">
      <p className="muted">{before ? `Changes from version ${before.version}:` : "The first version recorded:"}</p>
      {lines.length === 0 ? <p className="muted">No change.</p> : null}
      <pre>
        {lines.map((line) => (
          <span key={line.path}>
            {line.before !== undefined ? <span className="diff-removed">{`- ${line.path}: ${line.before}\n`}</span> : null}
            {line.after !== undefined ? <span className="diff-added">{`+ ${line.path}: ${line.after}\n`}</span> : null}
          </span>
        ))}
      </pre>
    </div>
  );
}

/** One row: the version's facts, its diff on demand, and Roll back (not for the current version). */
function VersionRow({ deploymentId, version, previous, isCurrent, onRolledBack }: {
  deploymentId: string;
  version: DeploymentVersion;
  previous: DeploymentVersion | undefined;
  isCurrent: boolean;
  onRolledBack(): Promise<void>;
}) {
  const [isDiffOpen, setIsDiffOpen] = useState(false);
  const [isAsking, setIsAsking] = useState(false);
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const rollBack = async (): Promise<void> => {
    setIsBusy(true);
    setError(null);
    try {
      await api(`/deployments/${deploymentId}/versions/${version.version}/rollback`, { method: "POST", body: {} });
      setIsAsking(false);
      await onRolledBack();
    } catch (caught) {
      setError(caught);
    } finally {
      setIsBusy(false);
    }
  };
  const changed = version.version === 1 && previous === undefined ? "first version" : version.changedFields.join(", ");
  return (
    <li data-testid="deployment-version" aria-label={`Version ${version.version}`}>
      <div className="row">
        <strong>v{version.version}</strong>
        {isCurrent ? <span className="pill ok">current</span> : null}
        <span title={formatTime(version.createdAt)}>{formatRelative(version.createdAt)}</span>
        <span>by {version.author}</span>
        <span className="muted" data-testid="version-changed">{changed}</span>
        {version.rolledBackFrom !== null ? <span className="pill">rollback to v{version.rolledBackFrom}</span> : null}
        {version.entrypointHash ? <code title={`sha256 of the entrypoint file: ${version.entrypointHash}`}>{version.entrypointHash.slice(0, 12)}</code> : null}
        <button type="button" className="ghost" aria-expanded={isDiffOpen} onClick={() => setIsDiffOpen(!isDiffOpen)}>{isDiffOpen ? "Hide diff" : "Diff"}</button>
        {isCurrent ? null : isAsking ? (
          <span className="confirm-delete" role="group" aria-label={`Confirm rolling back to version ${version.version}`}>
            <span>Apply version {version.version}'s settings again as a new version?</span>
            <button type="button" disabled={isBusy} onClick={() => void rollBack()}>Roll back to v{version.version}</button>
            <button type="button" className="ghost" onClick={() => setIsAsking(false)}>Keep</button>
          </span>
        ) : (
          <button type="button" className="ghost" onClick={() => setIsAsking(true)}>Roll back</button>
        )}
      </div>
      <ErrorNote error={error} />
      {isDiffOpen ? <VersionDiff deploymentId={deploymentId} version={version} previous={previous} /> : null}
    </li>
  );
}

/** The Versions section of a deployment page. */
export function DeploymentVersionsPanel({ deploymentId, currentVersion, onRolledBack }: { deploymentId: string; currentVersion: number | null; onRolledBack(): Promise<void> }) {
  const queryClient = useQueryClient();
  const versions = useInfiniteQuery({
    queryKey: ["deployment-versions", deploymentId, currentVersion],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => api<Page<DeploymentVersion>>(`/deployments/${deploymentId}/versions`, { query: { limit: PAGE_SIZE, cursor: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
  if (versions.error) return <ErrorNote error={versions.error} />;
  const items = versions.data?.pages.flatMap((page) => page.items) ?? [];
  if (versions.isPending) return <p className="muted">Loading…</p>;
  if (items.length === 0) return <p className="muted">No version recorded yet: the next change of this deployment records version 1.</p>;
  const refresh = async (): Promise<void> => {
    await queryClient.invalidateQueries({ queryKey: ["deployment-versions", deploymentId] });
    await onRolledBack();
  };
  return (
    <>
      <ul className="versions" data-testid="deployment-versions">
        {items.map((version, index) => (
          <VersionRow key={version.id} deploymentId={deploymentId} version={version} previous={items[index + 1]} isCurrent={version.version === currentVersion} onRolledBack={refresh} />
        ))}
      </ul>
      {versions.hasNextPage ? <button type="button" className="ghost" disabled={versions.isFetchingNextPage} onClick={() => void versions.fetchNextPage()}>Older versions</button> : null}
    </>
  );
}
