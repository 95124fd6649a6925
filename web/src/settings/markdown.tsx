// The notification text is short markdown written by the agent. Only the inline parts it uses
// are drawn (bold, italics, code, links to http(s) pages); everything else stays text, and
// nothing is ever put into the page as HTML.
import type { ReactNode } from "react";

const inline = /(\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g;

/** inlineMarkdown turns a line of markdown into React nodes. */
export function inlineMarkdown(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const m of text.matchAll(inline)) {
    const tok = m[0];
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    last = at + tok.length;
    if (tok.startsWith("**") || tok.startsWith("__")) out.push(<strong key={key++}>{tok.slice(2, -2)}</strong>);
    else if (tok.startsWith("`")) out.push(<code key={key++}>{tok.slice(1, -1)}</code>);
    else if (tok.startsWith("[")) {
      const split = tok.indexOf("](");
      const label = tok.slice(1, split);
      const href = tok.slice(split + 2, -1);
      out.push(
        /^https?:\/\//i.test(href) ? (
          <a key={key++} href={href} target="_blank" rel="noreferrer noopener">
            {label}
          </a>
        ) : (
          tok
        ),
      );
    } else out.push(<em key={key++}>{tok.slice(1, -1)}</em>);
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
