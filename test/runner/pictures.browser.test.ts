/**
 * The task tree and timeline pictures in the browser: the seeds' examples run live, and the
 * pictures have the lanes, boxes and marks they should. Skipped where /usr/bin/chromium is absent.
 */
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeckStore } from "../../runner/deck/deck-store.ts";
import { recordDeck } from "../../runner/recording/record-deck.ts";
import { recordOptions } from "../../runner/recording/record-options.ts";
import { readRecording, recordingPath, writeRecording } from "../../runner/recording/recording.ts";
import { SessionBundler } from "../../runner/session/session-bundle.ts";
import { hasChromium, useServedBrowser, warnIfNoChromium } from "./browser-harness.ts";
import { FIXTURE_DECKS, serve, testApp, TOKEN } from "./helpers.ts";

warnIfNoChromium("the pictures browser test");
/** Where screenshots go when set, to look at the pictures. */
const SHOTS = process.env["TWB_SCREENSHOTS"];

describe.skipIf(!hasChromium)("pictures of a run", () => {
  const served = useServedBrowser();

  async function runSlide(slide: number): Promise<{ page: Page; block: ReturnType<Page["locator"]> }> {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${served.base}/decks/pictures?token=${TOKEN}#/${slide}`);
    await page.waitForFunction(() => (window as unknown as { twbReady?: boolean }).twbReady === true);
    const block = page.locator("section.present .exec-block");
    expect(await block.locator(".exec-pictures-toggle").getAttribute("aria-pressed")).toBe("true");
    await block.locator(".exec-run").click();
    await expect.poll(() => block.getAttribute("data-state"), { timeout: 20_000 }).toBe("ok");
    // The last batch is drawn on the next animation frame.
    await expect.poll(() => block.locator("svg.twb-timeline").count(), { timeout: 5_000 }).toBe(1);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    if (SHOTS) await block.screenshot({ path: `${SHOTS}/pictures-${slide}.png` });
    expect(errors).toEqual([]);
    return { page, block };
  }

  it("draws a nursery with two children: three lanes, one nursery box, three task boxes", async () => {
    const { page, block } = await runSlide(1);
    try {
      expect(await block.locator("svg.twb-timeline g.lane").count()).toBe(3);
      expect(await block.locator("svg.twb-task-tree g.nursery").count()).toBe(1);
      expect(await block.locator("svg.twb-task-tree g.task").count()).toBe(3);
      expect(await block.locator("svg.twb-timeline .seg-sleeping").count()).toBe(2);
      expect(await block.locator("svg .cancel-mark").count()).toBe(0);
      const names = await block.locator("svg.twb-timeline g.lane > text").allTextContents();
      expect(names).toEqual(["parent", "child", "child"]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it("shows the time bomb's cancellation reaching its siblings, its error, and where it was caught", async () => {
    const { page, block } = await runSlide(2);
    try {
      expect(await block.locator("svg.twb-timeline g.lane").count()).toBe(4);
      expect(await block.locator("svg.twb-task-tree g.nursery").count()).toBe(1);
      const cancel = block.locator("svg.twb-timeline .cancel-mark");
      expect(await cancel.count()).toBe(1);
      expect(await cancel.getAttribute("data-cause")).toBe("error in bomb");
      // The two sleepers and the parent waiting at the nursery's end are reached.
      expect(await cancel.locator(".cross").count()).toBe(3);
      expect(await block.locator("svg.twb-task-tree .cancel-mark").count()).toBe(1);
      expect(await block.locator("svg.twb-timeline .error-mark").count()).toBeGreaterThanOrEqual(1);
      expect(await block.locator("svg.twb-timeline .caught-mark").count()).toBe(1);
    } finally {
      await page.close();
    }
  }, 60_000);

  it("collapses a fan of a hundred identical workers into one lane and one box", async () => {
    const { page, block } = await runSlide(3);
    try {
      expect(await block.locator("svg.twb-timeline g.lane").count()).toBe(2);
      expect(await block.locator("svg.twb-timeline g.lane-fan").getAttribute("data-count")).toBe("100");
      expect(await block.locator("svg.twb-task-tree g.task-fan").getAttribute("data-count")).toBe("100");
      expect(await block.locator("svg.twb-timeline g.lane-fan > text").textContent()).toBe("×100 worker");
    } finally {
      await page.close();
    }
  }, 60_000);

  it("exports the pictures as one standalone SVG", async () => {
    const { page, block } = await runSlide(1);
    try {
      const [download] = await Promise.all([page.waitForEvent("download"), block.locator(".exec-pictures-export").click()]);
      expect(download.suggestedFilename()).toBe("pictures-block-0.svg");
      const svg = readFileSync((await download.path())!, "utf8");
      expect(svg.startsWith("<?xml")).toBe(true);
      expect(svg).toContain("twb-task-tree");
      expect(svg).toContain("twb-timeline");
      expect(svg).toContain(">nursery<");
    } finally {
      await page.close();
    }
  }, 60_000);

  it("keeps the pictures in the recording, and draws them in PDF mode", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "twb-pictures-"));
    copyFileSync(path.join(FIXTURE_DECKS, "pictures.md"), path.join(dir, "pictures.md"));
    const deck = (await new DeckStore(dir).get("pictures"))!;
    await writeRecording(recordingPath(dir, "pictures"), await recordDeck(deck, recordOptions(dir, new SessionBundler())));
    const stored = await readRecording(recordingPath(dir, "pictures"));
    const traces = Object.values(stored!.blocks).map((b) => b.trace?.length ?? 0);
    expect(traces.every((n) => n > 0)).toBe(true);

    const recorded = testApp({}, dir);
    const server = await serve(recorded.app);
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${server.base}/decks/pictures?token=${TOKEN}`);
      await page.goto(`${server.base}/decks/pictures?print-pdf`);
      const bomb = page.locator(".exec-block").nth(1);
      await expect.poll(() => bomb.locator("svg.twb-timeline g.lane").count(), { timeout: 20_000 }).toBe(4);
      expect(await bomb.locator("svg.twb-timeline .cancel-mark").count()).toBe(1);
      if (SHOTS) await bomb.screenshot({ path: `${SHOTS}/pictures-pdf.png` });
    } finally {
      await page.close();
      recorded.sessions.close();
      await server.close();
    }
  }, 120_000);
});
