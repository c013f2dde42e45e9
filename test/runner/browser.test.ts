/**
 * One browser test: Debian's Chromium, driven by playwright-core, against the real server.
 * Skipped where /usr/bin/chromium is absent (CI installs it).
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, testApp, TOKEN } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`Skipping the browser test: ${CHROMIUM} is absent (install it with: apt-get install -y chromium).`);

describe.skipIf(!hasChromium)("a deck in the browser", () => {
  const { app, sessions } = testApp();
  let base = "";
  let close: () => Promise<void>;
  let browser: Browser;

  beforeAll(async () => {
    ({ base, close } = await serve(app));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    sessions.close();
    await close?.();
  });

  it("streams the first line while the block runs, and Stop shows its finally output", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${base}/decks/browser?token=${TOKEN}#/1`);
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
});
