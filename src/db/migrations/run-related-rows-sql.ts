/**
 * The related resources of a flow run's state event, as rows `(kind, related_id, name)` made from
 * the run's columns under `alias` (PostgreSQL): its flow, deployment, work pool, parent run and
 * each tag. Shared by the state-event triggers of migrations 013 and 023.
 */
export function runRelatedRowsSql(alias: string): string {
  const r = alias;
  return [
    `select 'flow' as kind, ${r}.flow_id as related_id, ${r}.flow_name as name`,
    `union all select 'deployment', ${r}.deployment_id, ${r}.deployment_name where ${r}.deployment_id is not null`,
    `union all select 'work-pool', ${r}.work_pool_name, ${r}.work_pool_name where ${r}.work_pool_name is not null`,
    `union all select 'flow-run', ${r}.parent_flow_run_id, null where ${r}.parent_flow_run_id is not null`,
    `union all select 'tag', t.value, t.value from jsonb_array_elements_text(case when jsonb_typeof(${r}.tags) = 'array' then ${r}.tags else '[]'::jsonb end) t(value)`,
  ].join("\n      ");
}
