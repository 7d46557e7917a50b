import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ModelMarkdown } from "./markdown";

/** What a model could write to reach the page: HTML, images from anywhere, script links, ids. */
const hostile = [
  "# Report",
  "",
  "![pixel](https://tracker.example/pixel.png?user=1) and ![data](data:image/png;base64,iVBORw0KGgo=)",
  "",
  '<img src="https://tracker.example/raw.png" onerror="alert(1)"><script>alert(2)</script>',
  "",
  '<form id="login" name="forms"><input name="password"></form>',
  "",
  "[click](javascript:alert(3)) [fine](https://example.com/page) [mail](mailto:a@example.com)",
  "",
  "A claim.[^cookie]",
  "",
  "[^cookie]: A footnote whose id a page script could be tricked into reading.",
].join("\n");

describe("model output rendered as Markdown", () => {
  const html = renderToString(<ModelMarkdown>{hostile}</ModelMarkdown>);

  it("loads no image from anywhere, and shows that one was there", () => {
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toContain("tracker.example/pixel.png");
    expect(html).toMatch(/Image blocked|pixel/);
  });

  it("renders no raw HTML: tags stay text, no script, no form, no handler", () => {
    expect(html).not.toMatch(/<(script|form|input)\b/i);
    // The handler is there only as escaped text, never as an attribute of an element.
    expect(html).not.toMatch(/<[^>]*\sonerror=/i);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("&lt;form id=&quot;login&quot;");
  });

  it("keeps web and mail links (behind Streamdown's confirm-before-leaving), blocks script links", () => {
    expect(html).toMatch(/data-streamdown="link"[^>]*>fine</);
    expect(html).toMatch(/data-streamdown="link"[^>]*>mail</);
    expect(html).toMatch(/>click<!-- --> \[blocked\]</);
    expect(html).not.toMatch(/javascript:/i);
  });

  it("prefixes every id and name, so nothing clobbers a global", () => {
    const ids = [...html.matchAll(/\s(?:id|name)="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^user-content-/);
  });
});
