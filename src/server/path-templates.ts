/**
 * Which route template a concrete path belongs to. Several Hono-style templates may match one
 * path (`/api/flow-runs/count` matches `/api/flow-runs/count` and `/api/flow-runs/:id`); the most
 * specific wins: at the first segment where two templates differ, a static segment beats a
 * parameter. The routes of the other templates do not answer that path, and `Allow` lists the
 * methods of the winning template only.
 */

/** The most specific template matching a path, or null when none does. */
export type TemplateMatcher = (path: string) => string | null;

/** A matcher over some templates (see file header). */
export function createTemplateMatcher(templates: readonly string[]): TemplateMatcher {
  const compiled = [...new Set(templates)].map((template) => {
    const segments = template.split("/");
    return {
      template,
      pattern: new RegExp(`^${segments.map((part) => (part.startsWith(":") ? "[^/]+" : escapeRegExp(part))).join("/")}$`),
      // "0" for a static segment, "1" for a parameter: the smallest key is the most specific.
      rank: segments.map((part) => (part.startsWith(":") ? "1" : "0")).join(""),
    };
  });
  return (path) => {
    let best: (typeof compiled)[number] | null = null;
    for (const candidate of compiled) {
      if (!candidate.pattern.test(path)) continue;
      if (best === null || candidate.rank < best.rank) best = candidate;
    }
    return best?.template ?? null;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
