/**
 * 006: an index of flow-run tags on SQLite (the runs list filtered by tag, DESIGN §8).
 *
 * SQLite stores tags as JSON text and cannot index into an array, so the tag filter read every
 * run (0.8 s at 1,000,000 runs for a tag no run has). `flow_run_tags` holds one row per tag of a
 * run, keyed `(tag, expected_start_time, flow_run_id)`: a tag's runs in the list's default order,
 * so the list walks one tag in order and stops after a page, counts a tag in one key range, and
 * checks a run's membership with one lookup next to the previous one when it walks the runs in
 * time order (src/orchestration/flow-run-tag-plan.ts). Triggers keep it exact on insert, on an
 * update of tags, start time or id, and on delete; the migration fills it from existing runs.
 * Runs without tags pay one comparison per insert or delete (`tags <> '[]'`), and a state change
 * (which sets none of those columns) pays nothing. PostgreSQL answers `tags @> …` from its GIN
 * index (005) and gets no table.
 */
import { sql } from "kysely";
import type { Migration } from "../migration.js";

// The text tags of a run's JSON array (other JSON values never matched a tag filter).
const tagsOf = (tags: string) => `select value from json_each(${tags}) where type = 'text'`;

// The statements the triggers run for the row `row` ("new" or "old") of flow_runs.
function addTagsOf(row: "new"): string {
  return `insert or ignore into flow_run_tags (tag, expected_start_time, flow_run_id) select value, ${row}.expected_start_time, ${row}.id from (${tagsOf(`${row}.tags`)});`;
}

function removeTagsOf(row: "old"): string {
  return `delete from flow_run_tags where tag in (${tagsOf(`${row}.tags`)}) and expected_start_time = ${row}.expected_start_time and flow_run_id = ${row}.id;`;
}

/** Migration 006. */
export const flowRunTagIndex: Migration = {
  name: "006-flow-run-tag-index",
  async up(db, types) {
    if (types.dialect !== "sqlite") return;
    await sql`create table flow_run_tags (
      tag text not null,
      expected_start_time text not null,
      flow_run_id text not null,
      primary key (tag, expected_start_time, flow_run_id)
    ) without rowid`.execute(db);
    const statements = [
      // Inserted in key order: appending to the b-tree is several times faster than random inserts.
      `insert or ignore into flow_run_tags (tag, expected_start_time, flow_run_id)
         select t.value, r.expected_start_time, r.id from flow_runs r, json_each(r.tags) t
         where r.tags <> '[]' and t.type = 'text' order by 1, 2, 3`,
      `create trigger flow_run_tags_on_insert after insert on flow_runs when new.tags <> '[]' begin
           ${addTagsOf("new")}
         end`,
      `create trigger flow_run_tags_on_update after update of tags, expected_start_time, id on flow_runs
         when (old.tags <> '[]' or new.tags <> '[]')
           and (old.tags is not new.tags or old.expected_start_time is not new.expected_start_time or old.id is not new.id) begin
           ${removeTagsOf("old")}
           ${addTagsOf("new")}
         end`,
      `create trigger flow_run_tags_on_delete after delete on flow_runs when old.tags <> '[]' begin
           ${removeTagsOf("old")}
         end`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
