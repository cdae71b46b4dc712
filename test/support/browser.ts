// Debian's chromium driven by playwright-core (nothing is downloaded: executablePath points at the apt
// package), headless, sandbox and network features off, a fresh profile per launch.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  errors: string[];
  /** Milliseconds from navigation to every chart drawn. */
  renderMs: number;
}

export interface ReportBrowser {
  open(path: string): Promise<OpenedPage>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<ReportBrowser> {
  const profile = await mkdtemp(join(tmpdir(), "sockbench-chromium-"));
  // A persistent context is playwright's way to give chromium its own --user-data-dir: a fresh one here.
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    async open(path) {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      // The report must draw offline: any request beyond the file itself fails the page.
      await page.route(/^(?!file:)/, (route) => {
        errors.push(`network request: ${route.request().url()}`);
        return route.abort();
      });
      const started = performance.now();
      await page.goto(`file://${path}`, { waitUntil: "load" });
      await page.waitForFunction(() => document.body.dataset.chartsDrawn !== undefined, undefined, {
        timeout: 20_000,
      });
      return { page, errors, renderMs: performance.now() - started };
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
