/**
 * The event feed: stored events newest first (`GET /api/events/feed`), filtered by name (a name
 * or a `prefix.*`), resource, related id and tag (kept in the URL), refreshed every few seconds,
 * with older pages on demand. Runs and deployments link to their pages.
 */
import { useInfiniteQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useSearchParams } from "react-router";
import type { EventPage, EventResource, StoredEvent } from "../../../src/core/events.js";
import { api } from "../api/api-client.js";
import { EmptyState } from "../components/empty-state.js";
import { ListPage } from "../components/list-page.js";
import { formatRelative, formatTime } from "../lib/format.js";

const FILTERS: [name: string, label: string, placeholder: string][] = [
  ["event", "Event", "flow-run.Failed, deployment.*"],
  ["resource", "Resource id", "a run, deployment or worker id"],
  ["related", "Related id", "a flow, deployment or pool"],
  ["tag", "Tag", "prod"],
];

/** A resource as a link where the dashboard has a page for it. */
function ResourceLink({ resource }: { resource: EventResource }): ReactNode {
  const text = resource.name ?? resource.id;
  if (resource.kind === "flow-run") return <Link to={`/runs/${resource.id}`}>{text}</Link>;
  if (resource.kind === "deployment") return <Link to={`/deployments/${resource.id}`}>{text}</Link>;
  if (resource.kind === "work-pool") return <Link to="/work-pools">{text}</Link>;
  return <>{text}</>;
}

/** A short line of what the payload says (a state's message, the changed fields, the skipped slots). */
function payloadSummary(event: StoredEvent): string {
  const payload = event.payload;
  const state = payload.state as { message?: string | null } | undefined;
  if (state?.message) return state.message;
  if (Array.isArray(payload.changed)) return `changed: ${payload.changed.join(", ")}`;
  if (typeof payload.count === "number") return `${payload.count} slot(s) from ${String(payload.first)} to ${String(payload.last)}`;
  return "";
}

const eventClass = (name: string): string => {
  const verb = name.slice(name.indexOf(".") + 1);
  if (/^(Failed|Crashed|TimedOut|unhealthy|offline|slots-skipped)$/.test(verb)) return "pill bad";
  if (/^(Completed|online|healthy)$/.test(verb)) return "pill ok";
  return "pill";
};

/** The events page. */
export function EventsPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(FILTERS.map(([name]) => [name, params.get(name) ?? ""]));
  const events = useInfiniteQuery({
    queryKey: ["events", filter],
    initialPageParam: "",
    queryFn: ({ pageParam, signal }) => api<EventPage>("/events/feed", { query: { ...filter, cursor: pageParam, limit: 50 }, signal }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: 5_000,
  });
  const set = (name: string, value: string): void => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const items = events.data?.pages.flatMap((page) => page.events);
  return (
    <ListPage
      title="Events"
      error={events.error}
      items={items}
      controls={
        <div className="filters" data-testid="event-filters">
          {FILTERS.map(([name, label, placeholder]) => (
            <label key={name}>
              {label}{" "}
              <input
                key={filter[name]}
                defaultValue={filter[name]}
                placeholder={placeholder}
                onKeyDown={(e) => e.key === "Enter" && set(name, e.currentTarget.value.trim())}
                onBlur={(e) => set(name, e.target.value.trim())}
              />
            </label>
          ))}
        </div>
      }
      empty={
        <EmptyState title="No events" command="weir events ls --follow">
          Every flow-run state, deployment, schedule, work pool, queue and worker change is stored here as an event.
        </EmptyState>
      }
    >
      <table className="data-table" data-testid="events">
        <thead>
          <tr><th>When</th><th>Event</th><th>Resource</th><th>Related</th><th>Details</th></tr>
        </thead>
        <tbody>
          {items?.map((event) => (
            <tr key={event.id} data-testid="event" data-event={event.event}>
              <td title={formatTime(event.occurred)}>{formatRelative(event.occurred)}</td>
              <td><span className={eventClass(event.event)}>{event.event}</span></td>
              <td><span className="muted">{event.resource.kind}</span> <ResourceLink resource={event.resource} /></td>
              <td>
                {event.related.filter((r) => r.kind !== "work-queue").map((r) => (
                  <span key={`${r.kind}:${r.id}`} className="related">
                    {r.kind === "tag" ? <span className="pill">{r.id}</span> : <><span className="muted">{r.kind}</span> <ResourceLink resource={r} /></>}{" "}
                  </span>
                ))}
              </td>
              <td className="muted">{payloadSummary(event)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.hasNextPage ? (
        <button type="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
          Older events
        </button>
      ) : null}
    </ListPage>
  );
}
