import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseFenceInfo, renderDeck, splitSlides } from "../../runner/deck/index.ts";
import { renderDeckPage } from "../../runner/http/pages/deck-page.ts";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "render");
const read = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

describe("deck rendering", () => {
  it.each(["dashes", "seed-format"])("renders the %s fixture as expected", (name) => {
    const deck = renderDeck(name, read(`${name}.md`));
    expect(JSON.parse(JSON.stringify(deck))).toEqual(JSON.parse(read(`${name}.expected.json`)));
  });

  it("splits on --- and keeps separators inside fences", () => {
    const deck = renderDeck("d", read("dashes.md"));
    expect(deck.separator).toBe("---");
    expect(deck.slides).toHaveLength(3);
    expect(deck.slides[2]!.html).toContain("not a separator inside a fence");
  });

  it("accepts the seed talk's ==== separator as it is, with bare exec blocks in Python", () => {
    const deck = renderDeck("seed", read("seed-format.md"));
    expect(deck.separator).toBe("====");
    expect(deck.slides).toHaveLength(5);
    expect(deck.blocks.map((b) => [b.kind, b.language])).toEqual([["exechidden", "python"], ["exec", "python"]]);
  });

  it("turns Note: into speaker notes", () => {
    expect(renderDeck("d", read("dashes.md")).slides[0]!.notesHtml).toBe("<p>Welcome everyone.</p>\n");
  });

  it("hides exechidden blocks and shows exec blocks with an output area", () => {
    const html = renderDeck("d", read("dashes.md")).slides[2]!.html;
    expect(html).toContain('<div class="exec-block exec-hidden" data-block="0" data-language="typescript" hidden></div>');
    expect(html).not.toContain("const greeting");
    expect(html).toContain('<pre class="exec-output" aria-live="polite"></pre>');
    expect(html).toContain("&lt;b&gt;");
  });

  it("keeps reveal.js fragments and line-highlight steps", () => {
    const deck = renderDeck("d", read("dashes.md"));
    expect(deck.slides[1]!.html).toContain('<li class="fragment">');
    expect(deck.slides[2]!.html).toContain('data-line-numbers="1|2"');
    expect(deck.slides[2]!.attributes).toEqual([["data-background", "#123456"]]);
  });

  it("reads front matter: title, separator and language", () => {
    const deck = renderDeck("f", "---\ntitle: My talk\nlanguage: python\n---\n# A\n---\n```exec\nprint(1)\n```\n");
    expect(deck.title).toBe("My talk");
    expect(deck.slides).toHaveLength(2);
    expect(deck.blocks[0]!.language).toBe("python");
  });

  it("parses fence info strings", () => {
    expect(parseFenceInfo("exec python timeout=120 [1|2-3]")).toEqual({
      exec: "exec", language: "python", lineNumbers: "1|2-3", attributes: { timeout: "120" },
    });
    expect(parseFenceInfo("ts").exec).toBeNull();
  });

  it("does not treat a leading separator as front matter", () => {
    expect(splitSlides("---\n# A\n---\n# B").slides.map((s) => s.markdown)).toEqual(["# A", "# B"]);
  });

  it("embeds deck data so that no string can close its script element", () => {
    const html = renderDeckPage(renderDeck("x", "```exec\nconsole.log('</script><script>alert(1)</script>')\n```\n"));
    const data = /<script type="application\/json" id="twb-deck">(.*?)<\/script>/s.exec(html)![1]!;
    expect(data).not.toContain("</script");
    expect(JSON.parse(data).blocks[0].code).toContain("</script>");
  });
});
