/**
 * Automations: a trigger (events, or their absence) and the actions it runs. List them, create or
 * edit one from its YAML or JSON form (the same as `weir automation create -f`), enable or
 * disable, delete, and see an automation's firings with each action's outcome.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import type { Automation, AutomationFiring } from "../../../src/core/automations/automation-models.js";
import { api } from "../api/api-client.js";
import { usePageAction } from "../api/use-page-action.js";
import { DataTable } from "../components/data-table.js";
import { EmptyState } from "../components/empty-state.js";
import { ListPage } from "../components/list-page.js";
import { formatRelative } from "../lib/format.js";

const EXAMPLE = `name: tell-me-when-greeting-fails
trigger:
  expect: [flow-run.Failed, flow-run.Crashed]
  match: { flow: greeting }
actions:
  - type: webhook
    url: http://127.0.0.1:9999/hook
`;

/** The trigger in one line. */
function describeTrigger(automation: Automation): string {
  const { trigger } = automation;
  const match = Object.entries(trigger.match).map(([key, values]) => `${key}=${(values as string[]).join("|")}`).join(", ");
  const window = trigger.within > 0 ? ` within ${trigger.within}s` : "";
  const what = trigger.posture === "proactive" ? `no ${trigger.expect.join("|")}` : `${trigger.threshold > 1 ? `${trigger.threshold} × ` : ""}${trigger.expect.join("|")}`;
  return `${what}${match ? ` (${match})` : ""}${window}`;
}

/** An automation back in the form users write, to edit. */
function formOf(automation: Automation): string {
  const { trigger } = automation;
  return toYaml({
    name: automation.name,
    ...(automation.description ? { description: automation.description } : {}),
    enabled: automation.isEnabled,
    trigger: { posture: trigger.posture, expect: trigger.expect, match: trigger.match, ...(trigger.threshold > 1 ? { threshold: trigger.threshold } : {}), ...(trigger.within > 0 ? { within: trigger.within } : {}) },
    actions: automation.actions,
  });
}

function Firings({ automation }: { automation: Automation }) {
  const firings = useQuery({
    queryKey: ["automation-firings", automation.id],
    queryFn: ({ signal }) => api<{ items: AutomationFiring[] }>(`/automations/${encodeURIComponent(automation.id)}/firings`, { signal }).then((r) => r.items),
    refetchInterval: 5_000,
  });
  return (
    <section>
      <h3>Firings of {automation.name}</h3>
      {firings.data?.length === 0 ? <p>It has not fired yet.</p> : null}
      <DataTable testId="automation-firings" columns={["Fired", "Reason", "Run", "Actions"]}>
        {firings.data?.map((firing) => (
          <tr key={firing.id}>
            <td title={firing.firedAt}>{formatRelative(firing.firedAt)}</td>
            <td>{firing.reason}</td>
            <td>{firing.flowRunId ? <a href={`/runs/${encodeURIComponent(firing.flowRunId)}`}>{firing.flowRunId.slice(0, 8)}</a> : ""}</td>
            <td>{firing.actions.map((action, index) => <div key={index} title={action.detail ?? ""}>{action.type}: {action.status}{action.detail ? ` — ${action.detail}` : ""}</div>)}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

/** The automations page. */
export function AutomationsPage() {
  const automations = useQuery({ queryKey: ["automations"], queryFn: ({ signal }) => api<{ items: Automation[] }>("/automations", { signal }).then((r) => r.items) });
  const [text, setText] = useState(EXAMPLE);
  const [editing, setEditing] = useState<Automation | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const { error, act } = usePageAction([["automations"]]);
  const save = (): Promise<void> =>
    act(async () => {
      let form: unknown;
      try {
        form = parseYaml(text);
      } catch (cause) {
        throw new Error(`not YAML or JSON: ${(cause as Error).message.split("\n")[0] ?? ""}`);
      }
      if (editing) await api(`/automations/${encodeURIComponent(editing.id)}`, { method: "PUT", body: form });
      else await api("/automations", { method: "POST", body: form });
      setEditing(null);
      setText(EXAMPLE);
    });
  const shownAutomation = automations.data?.find((automation) => automation.id === shown) ?? null;
  return (
    <ListPage
      title="Automations"
      error={automations.error ?? error}
      items={automations.data}
      controls={
        <form className="stack" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <textarea aria-label="Automation YAML or JSON" rows={10} cols={80} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
          <div className="row">
            <button type="submit">{editing ? `Save ${editing.name}` : "Create automation"}</button>
            {editing ? <button type="button" className="ghost" onClick={() => { setEditing(null); setText(EXAMPLE); }}>Cancel edit</button> : null}
          </div>
        </form>
      }
      empty={
        <EmptyState title="No automations" command="weir automation create -f automation.yaml">
          An automation runs actions (a webhook, Slack, email, run a deployment, pause a pool…) when events happen, or when an expected one does not.
        </EmptyState>
      }
    >
      <DataTable testId="automations" columns={["Name", "Enabled", "Trigger", "Actions", "Updated", ""]}>
        {automations.data?.map((automation) => (
          <tr key={automation.id}>
            <td>{automation.name}</td>
            <td>{automation.isEnabled ? "yes" : "no"}</td>
            <td>{describeTrigger(automation)}</td>
            <td>{automation.actions.map((action) => action.type).join(", ")}</td>
            <td>{formatRelative(automation.updatedAt)}</td>
            <td>
              <button type="button" className="ghost" aria-label={`History of ${automation.name}`} onClick={() => setShown(automation.id)}>History</button>
              <button type="button" className="ghost" aria-label={`Edit ${automation.name}`} onClick={() => { setEditing(automation); setText(formOf(automation)); }}>Edit</button>
              <button
                type="button"
                className="ghost"
                aria-label={`${automation.isEnabled ? "Disable" : "Enable"} ${automation.name}`}
                onClick={() => void act(() => api(`/automations/${encodeURIComponent(automation.id)}`, { method: "PATCH", body: { isEnabled: !automation.isEnabled } }))}
              >
                {automation.isEnabled ? "Disable" : "Enable"}
              </button>
              <button type="button" className="ghost danger" aria-label={`Delete ${automation.name}`} onClick={() => void act(() => api(`/automations/${encodeURIComponent(automation.id)}`, { method: "DELETE" }))}>Delete</button>
            </td>
          </tr>
        ))}
      </DataTable>
      {shownAutomation ? <Firings automation={shownAutomation} /> : null}
    </ListPage>
  );
}
