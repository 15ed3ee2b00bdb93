/** The frame of the dashboard's list pages: title, controls, the error if any, then the list or its empty state. */
import type { ReactNode } from "react";
import { ErrorNote } from "./error-note.js";

/** A list page: `children` shows the items, `empty` shows instead once they are loaded and there is none. */
export function ListPage({ title, controls, error, items, empty, children }: {
  title: string;
  /** What goes between the title and the list (a form, filters). */
  controls?: ReactNode;
  /** A failed query or action (nothing shown when null). */
  error: unknown;
  /** The loaded items (undefined while loading: neither empty state nor list content matters yet). */
  items: readonly unknown[] | undefined;
  empty: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="page">
      <header className="page-header"><h2>{title}</h2></header>
      {controls}
      <ErrorNote error={error} />
      {items?.length === 0 ? empty : children}
    </section>
  );
}
