import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exportSite } from "../../runner/export/export-site.ts";
import { FIXTURE_DECKS } from "./helpers.ts";

const exportTo = (outDir: string) => exportSite({ slidesDir: FIXTURE_DECKS, exercisesDir: path.join(FIXTURE_DECKS, "none"), outDir });

describe("the static export", () => {
  it("writes every deck, the index, reveal.js and the client, linked by relative URLs", async () => {
    const outDir = path.join(mkdtempSync(path.join(os.tmpdir(), "twb-export-")), "dist");
    const result = await exportTo(outDir);
    expect(result.decks.map((d) => d.name)).toEqual(expect.arrayContaining(["api", "browser"]));
    const index = readFileSync(result.index, "utf8");
    expect(index).toContain('href="decks/browser.html"');
    const html = readFileSync(path.join(outDir, "decks", "browser.html"), "utf8");
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) {
      expect(url.startsWith("../"), url).toBe(true);
      expect(existsSync(path.join(outDir, "decks", url)), url).toBe(true);
    }
    const data = JSON.parse(/<script type="application\/json" id="twb-deck">(.*?)<\/script>/s.exec(html)![1]!);
    expect(data.static).toBe(true);
    expect(data.blocks[0].recording.lines.map((l: { text: string }) => l.text)).toContain("server closed");
    expect(result.decks.find((d) => d.name === "api")!.recorded).toBe(false);
  });

  it("replaces an earlier export but refuses to empty any other folder", async () => {
    const outDir = path.join(mkdtempSync(path.join(os.tmpdir(), "twb-export-")), "dist");
    await exportTo(outDir);
    await exportTo(outDir);
    const other = mkdtempSync(path.join(os.tmpdir(), "twb-not-export-"));
    mkdirSync(path.join(other, "keep"));
    writeFileSync(path.join(other, "keep", "file.txt"), "mine");
    await expect(exportTo(other)).rejects.toThrow(/not empty and is not an earlier export/);
    expect(readFileSync(path.join(other, "keep", "file.txt"), "utf8")).toBe("mine");
  });
});
