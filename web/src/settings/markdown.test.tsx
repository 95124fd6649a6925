import { render } from "@testing-library/react";
import { inlineMarkdown } from "./markdown";

const html = (s: string) => render(<p>{inlineMarkdown(s)}</p>).container.innerHTML;

test("bold, italics, code and http links are drawn", () => {
  expect(html("On **9 September**, _maybe_ `v2`")).toBe("<p>On <strong>9 September</strong>, <em>maybe</em> <code>v2</code></p>");
  expect(html("See [the post](https://example.com/a)")).toBe(
    '<p>See <a href="https://example.com/a" target="_blank" rel="noreferrer noopener">the post</a></p>',
  );
});

test("anything else stays text, and HTML is never interpreted", () => {
  expect(html("[x](javascript:alert(1))")).not.toContain("<a");
  expect(html("<img src=x onerror=alert(1)>")).toBe("<p>&lt;img src=x onerror=alert(1)&gt;</p>");
  expect(html("2 * 3 * 4")).toBe("<p>2 * 3 * 4</p>");
});
