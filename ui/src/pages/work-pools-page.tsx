/** Work pools, their queues and workers: create, configure (priorities, limits), pause/resume, delete, and the command that starts a worker. */
import { useState } from "react";
import { useWorkers, useWorkPools, useWorkQueues } from "../api/queries.js";
import { EmptyState } from "../components/empty-state.js";
import { ListPage } from "../components/list-page.js";
import { WorkPoolCard } from "../components/work-pool-card.js";
import { WorkPoolForm } from "../components/work-pool-form.js";

/** The work pools page. */
export function WorkPoolsPage() {
  const pools = useWorkPools();
  const queues = useWorkQueues();
  const workers = useWorkers();
  const [isCreating, setIsCreating] = useState(false);
  return (
    <ListPage
      title="Work pools"
      error={pools.error ?? queues.error}
      items={pools.data}
      controls={
        isCreating ? <WorkPoolForm onDone={() => setIsCreating(false)} /> : (
          <div className="row"><button type="button" onClick={() => setIsCreating(true)}>Create work pool</button></div>
        )
      }
      empty={
        <EmptyState title="No work pools" command="weir work-pool create my-pool">
          A work pool holds the queues that workers poll for runs. Create one with the button above, or from a terminal:
        </EmptyState>
      }
    >
      {pools.data?.map((pool) => (
        <WorkPoolCard
          key={pool.id}
          pool={pool}
          queues={queues.data?.filter((q) => q.workPoolName === pool.name) ?? []}
          workers={workers.data?.filter((w) => w.workPoolName === pool.name) ?? []}
        />
      ))}
    </ListPage>
  );
}
