/**
 * Markdown of artifacts, rendered by react-markdown with GitHub-flavoured tables, task lists and
 * strikethrough (remark-gfm). Safe by default: raw HTML in the text is shown as text, never
 * parsed, and links keep only http(s), mailto and relative URLs (react-markdown's URL filter).
 * Headings start at h3 so an artifact never outranks the page's own titles.
 */
import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

const shiftHeading = (level: number): Components["h1"] =>
  function Heading({ children }) {
    const Tag = `h${Math.min(6, level + 2)}` as "h3";
    return <Tag>{children}</Tag>;
  };

const COMPONENTS: Components = {
  h1: shiftHeading(1),
  h2: shiftHeading(2),
  h3: shiftHeading(3),
  h4: shiftHeading(4),
  table: ({ children }) => <table className="data-table">{children}</table>,
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
};

/** Render markdown text safely. */
export function MarkdownView({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown remarkPlugins={[remarkGfm]} components={COMPONENTS} skipHtml={false}>
        {text}
      </Markdown>
    </div>
  );
}
