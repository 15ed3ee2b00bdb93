/** What a page shows when there is nothing yet: what this is, and the next step (often a command). */
import type { ReactNode } from "react";

/** Empty state with a title, an explanation and an optional command to copy. */
export function EmptyState({ title, children, command }: { title: string; children?: ReactNode; command?: string }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h3>{title}</h3>
      {children ? <p>{children}</p> : null}
      {command ? <pre className="command">{command}</pre> : null}
    </div>
  );
}
