/** The dashboard's table: one header row of column titles over the rows a page renders. */
import type { ReactNode } from "react";

/** A `data-table` with `columns` as its header (an empty title leaves a blank header cell). */
export function DataTable({ columns, testId, children }: { columns: readonly string[]; testId?: string; children: ReactNode }) {
  return (
    <table className="data-table" data-testid={testId}>
      <thead><tr>{columns.map((column, index) => <th key={index}>{column}</th>)}</tr></thead>
      <tbody>{children}</tbody>
    </table>
  );
}
