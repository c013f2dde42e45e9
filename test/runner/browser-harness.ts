/**
 * What every browser test needs: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), and a real server for it to open. Tests skip where /usr/bin/chromium is absent.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { serve, testApp } from "./helpers.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** Says once why a browser suite is skipped. */
export function warnIfNoChromium(suite: string): void {
  if (!hasChromium) console.warn(`Skipping ${suite}: ${CHROMIUM} is absent (install it with: apt-get install -y chromium).`);
}

/** Headless Chromium with the flags this sandbox needs (no GPU, no background networking). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/**
 * Inside a `describe`: serves a test app over `slidesDir` and starts a browser before the tests,
 * and closes both after them.
 *
 * @returns the app, and getters for the server's base URL and the browser, valid inside the tests.
 */
export function useServedBrowser(slidesDir?: string): {
  readonly base: string;
  readonly browser: Browser;
  readonly app: ReturnType<typeof testApp>["app"];
} {
  const { app, sessions } = slidesDir === undefined ? testApp() : testApp({}, slidesDir);
  const state: { base: string; browser?: Browser; close?: () => Promise<void> } = { base: "" };
  beforeAll(async () => {
    const served = await serve(app);
    state.base = served.base;
    state.close = served.close;
    state.browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await state.browser?.close();
    sessions.close();
    await state.close?.();
  });
  return {
    app,
    get base() {
      return state.base;
    },
    get browser() {
      return state.browser!;
    },
  };
}
