/**
 * One browser test: Debian's Chromium, driven by playwright-core, against the real server.
 * Skipped where /usr/bin/chromium is absent (CI installs it).
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSite } from "../../runner/export/export-site.ts";
import { hasChromium, useServedBrowser, warnIfNoChromium } from "./browser-harness.ts";
import { FIXTURE_DECKS, serve, SLIDES, testApp, TOKEN } from "./helpers.ts";

const RECORDED = "Recorded output, not a live run";
warnIfNoChromium("the browser tests");

describe.skipIf(!hasChromium)("a deck in the browser", () => {
  const served = useServedBrowser();

  it("streams the first line while the block runs, and Stop shows its finally output", async () => {
    const page = await served.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${served.base}/decks/browser?token=${TOKEN}#/1`);
    expect(new URL(page.url()).search).toBe("");
    const block = page.locator("section.present .exec-block");
    await block.locator(".exec-run").click();
    const output = block.locator(".exec-output");
    await expect.poll(() => output.textContent(), { timeout: 20_000 }).toContain("serving");
    // The first line is there while the program still runs.
    expect(await block.getAttribute("data-state")).toBe("running");
    await expect.poll(() => output.textContent(), { timeout: 20_000 }).toContain("tick 1");
    await page.keyboard.press("x");
    await expect.poll(() => block.getAttribute("data-state"), { timeout: 20_000 }).toBe("cancelled");
    const text = (await output.textContent()) ?? "";
    expect(text).toContain("server closed");
    expect(text).toContain("cancelled through the runtime");
    expect(errors).toEqual([]);
  }, 60_000);

  it("shows the recorded output, marked as such, when the runner has gone away", async () => {
    const second = await serve(served.app);
    const page = await served.browser.newPage();
    try {
      await page.goto(`${second.base}/decks/browser?token=${TOKEN}#/1`);
      await page.waitForFunction(() => (window as unknown as { twbReady?: boolean }).twbReady === true);
      await second.close();
      const block = page.locator("section.present .exec-block");
      await block.locator(".exec-run").click();
      const output = block.locator(".exec-output");
      await expect.poll(() => output.textContent(), { timeout: 20_000 }).toContain(RECORDED);
      expect(await output.textContent()).toContain("server closed");
      expect(await block.getAttribute("data-state")).toBe("recorded");
      expect(await block.locator(".exec-run").textContent()).toBe("Replay");
    } finally {
      await page.close();
    }
  }, 60_000);

  it("shows each block's recording in PDF mode", async () => {
    const page = await served.browser.newPage();
    await page.goto(`${served.base}/decks/browser?token=${TOKEN}`);
    await page.goto(`${served.base}/decks/browser?print-pdf`);
    const output = page.locator(".exec-block .exec-output").first();
    await expect.poll(() => output.textContent(), { timeout: 20_000 }).toContain("tick 4");
    expect(await output.textContent()).toContain(RECORDED);
    await page.close();
  }, 60_000);

  it("opens a static export from file:// and shows recordings, replayed with Run", async () => {
    const outDir = path.join(mkdtempSync(path.join(os.tmpdir(), "twb-export-")), "dist");
    const result = await exportSite({ slidesDir: FIXTURE_DECKS, exercisesDir: path.join(FIXTURE_DECKS, "none"), outDir });
    const page = await served.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(pathToFileURL(result.index).href);
    await page.locator('a[href="decks/browser.html"]').click();
    await page.waitForFunction(() => (window as unknown as { twbReady?: boolean }).twbReady === true);
    await page.keyboard.press("ArrowRight");
    const block = page.locator("section.present .exec-block");
    const output = block.locator(".exec-output");
    await expect.poll(() => output.textContent(), { timeout: 20_000 }).toContain("static export");
    expect(await output.textContent()).toContain("tick 4");
    await block.locator(".exec-run").click();
    await expect.poll(() => block.getAttribute("data-state"), { timeout: 20_000 }).toBe("cancelled");
    expect(await output.textContent()).toContain("server closed");
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("edits a block in a code editor: keys stay in the editor, Ctrl+Enter runs the edited code, Reset restores it", async () => {
    const page = await served.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${served.base}/decks/browser?token=${TOKEN}#/1`);
    await page.waitForFunction(() => (window as unknown as { twbReady?: boolean }).twbReady === true);
    const block = page.locator("section.present .exec-block");
    await block.locator(".exec-edit").click();
    const editor = block.locator(".cm-content");
    await expect.poll(() => editor.isVisible(), { timeout: 10_000 }).toBe(true);
    // Highlighting is applied after the editor appears: wait for it rather than race it on a loaded machine.
    await expect.poll(() => block.locator(".cm-editor .tok-keyword, .cm-editor span[class]").count(), { timeout: 10_000 }).toBeGreaterThan(5);
    await page.keyboard.press("ControlOrMeta+a");
    // r, x, space and arrows would run, stop or change slides if reveal.js saw them.
    await page.keyboard.type('console.log("rx edited");');
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Space");
    await page.keyboard.press("Backspace");
    await expect.poll(() => editor.textContent(), { timeout: 10_000 }).toBe('console.log("rx edited");');
    expect(page.url()).toMatch(/#\/1$/);
    expect(await block.getAttribute("data-state")).toBeNull();
    await page.keyboard.press("Control+Enter");
    const output = block.locator(".exec-output");
    await expect.poll(() => block.getAttribute("data-state"), { timeout: 20_000 }).toBe("ok");
    expect(await output.textContent()).toBe("rx edited\n");
    await block.locator(".exec-reset").click();
    await expect.poll(() => editor.textContent(), { timeout: 10_000 }).toContain("server closed");
    // Escape leaves the editor: reveal.js's keys work again.
    await editor.click();
    await page.keyboard.press("Escape");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => page.url()).toMatch(/\/browser(#\/?0?)?$/);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("runs console lines in the deck's session, and Reset session forgets its definitions", async () => {
    const page = await served.browser.newPage();
    await page.goto(`${served.base}/decks/browser?token=${TOKEN}#/1`);
    await page.waitForFunction(() => (window as unknown as { twbReady?: boolean }).twbReady === true);
    await page.keyboard.press("c");
    const input = page.locator(".twb-console .console-input");
    await expect.poll(() => input.isVisible()).toBe(true);
    const output = page.locator(".twb-console .console-output");
    await input.fill("const answer = 6 * 7");
    await input.press("Enter");
    await input.fill("answer");
    await input.press("Enter");
    await expect.poll(() => output.textContent(), { timeout: 20_000 }).toContain("42");
    // Keys typed in the console do not reach reveal.js.
    await input.press("ArrowRight");
    expect(page.url()).toMatch(/#\/1$/);
    await page.locator(".twb-reset-session").click();
    await expect.poll(() => output.textContent(), { timeout: 20_000 }).toContain("Session reset");
    await input.fill("typeof answer");
    await input.press("Enter");
    await expect.poll(() => output.textContent(), { timeout: 20_000 }).toContain("'undefined'");
    await page.close();
  }, 60_000);

  it("keeps a long run's output on a 1280×720 slide, scrolling inside with the newest line in view", async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${served.base}/decks/browser?token=${TOKEN}#/2`);
    await page.waitForFunction(() => (window as unknown as { twbReady?: boolean }).twbReady === true);
    const block = page.locator("section.present .exec-block");
    await block.locator(".exec-run").click();
    await expect.poll(() => block.getAttribute("data-state"), { timeout: 20_000 }).toBe("ok");
    const output = block.locator(".exec-output");
    const box = (await output.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(720);
    const scroll = await output.evaluate((e) => ({ top: e.scrollTop, client: e.clientHeight, height: e.scrollHeight }));
    expect(scroll.height).toBeGreaterThan(scroll.client * 2);
    expect(scroll.top + scroll.client).toBeGreaterThanOrEqual(scroll.height - 2);
    const last = output.locator(".line").last();
    expect(await last.textContent()).toBe("all done\n");
    const lastBox = (await last.boundingBox())!;
    expect(lastBox.y + lastBox.height).toBeLessThanOrEqual(box.y + box.height + 1);
    // Large enough to read from the back of a room.
    expect(await output.evaluate((e) => parseFloat(getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(20);
    await page.close();
  }, 60_000);
});

describe.skipIf(!hasChromium)("the echo server demo (slides/00-demo.md)", () => {
  const served = useServedBrowser(SLIDES);

  it("serves until Stop, shows its port, echoes a client, and Stop shows its finally output", async () => {
    const page = await served.browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${served.base}/decks/00-demo?token=${TOKEN}`);
    await page.waitForFunction(() => (window as unknown as { twbReady?: boolean }).twbReady === true);
    const slide = page.locator("section", { hasText: "An echo server, until Stop" });
    await page.evaluate(() => (window as unknown as { Reveal: { slide(h: number): void } }).Reveal.slide(document.querySelectorAll(".reveal .slides > section").length - 1));
    const [server, client] = [slide.locator(".exec-block").nth(0), slide.locator(".exec-block").nth(1)];
    await server.locator(".exec-run").click();
    const serverOutput = server.locator(".exec-output");
    await expect.poll(() => serverOutput.textContent(), { timeout: 20_000 }).toMatch(/listening on port \d+, until Stop/);
    expect(await server.getAttribute("data-state")).toBe("running");
    await client.locator(".exec-run").click();
    await expect.poll(() => client.getAttribute("data-state"), { timeout: 20_000 }).toBe("ok");
    expect(await client.locator(".exec-output").textContent()).toContain('client: got back "hello, echo"');
    await expect.poll(() => serverOutput.textContent(), { timeout: 20_000 }).toMatch(/gone/);
    expect(await server.getAttribute("data-state")).toBe("running");
    await server.locator(".exec-stop").click();
    await expect.poll(() => server.getAttribute("data-state"), { timeout: 20_000 }).toBe("cancelled");
    const text = (await serverOutput.textContent()) ?? "";
    expect(text).toContain("echo server: finally ran, the listener is closed");
    expect(text).toContain("cancelled through the runtime");
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
