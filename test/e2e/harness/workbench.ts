/**
 * Drives the VS Code workbench in Debian's chromium through playwright-core: the status bar item
 * of this extension, the explorer, the command palette. Every step waits for an element or a
 * condition in the page, never for a fixed time.
 */
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { E2eTools } from './tools';

export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** The status bar item's DOM id is the extension id; its aria-label is "<text>, <tooltip>". */
const STATUS_ITEM = '#refact-ts\\.refact-ts';
const ENGINE_RUNNING = /Engine running \(HTTP 127\.0\.0\.1:(\d+)\)/;

export interface Workbench {
  page: Page;
  /** `Date.now()` when the page started loading. */
  loadStarted: number;
  close(): Promise<void>;
}

export async function openWorkbench(tools: E2eTools, url: string): Promise<Workbench> {
  const browser: Browser = await chromium.launch({ executablePath: tools.chromium, headless: true, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const loadStarted = Date.now();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { page, loadStarted, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

export function statusItem(page: Page): Locator {
  return page.locator(STATUS_ITEM);
}

/** Waits for the status bar item to show the engine running (on another port than `notPort`). */
export async function waitForEngineRunning(page: Page, options: { notPort?: number; timeoutMs?: number } = {}): Promise<number> {
  const other = options.notPort === undefined ? '' : `:not([aria-label*="127.0.0.1:${options.notPort})"])`;
  // Every state after the engine is up (ready, busy, indexing, no caps yet) names its port.
  const running = page.locator(`${STATUS_ITEM}[aria-label*="Engine running (HTTP 127.0.0.1:"]${other}`);
  await running.waitFor({ timeout: options.timeoutMs ?? 90_000 });
  const label = (await running.getAttribute('aria-label')) ?? '';
  return Number(ENGINE_RUNNING.exec(label)![1]);
}

/** Hovers the status bar item and returns the HTTP port its tooltip shows. */
export async function readStatusTooltipPort(page: Page): Promise<number> {
  await statusItem(page).hover();
  const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: ENGINE_RUNNING }).first();
  const text = await hover.innerText({ timeout: 15_000 });
  await page.mouse.move(0, 0);
  return Number(ENGINE_RUNNING.exec(text)![1]);
}

/** Opens a workspace file by double-clicking it in the explorer; resolves when its tab shows. */
export async function openFromExplorer(page: Page, name: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: name });
  await row.dblclick({ timeout: 30_000 });
  await page.locator('.tabs-container .tab').filter({ hasText: name }).waitFor({ timeout: 30_000 });
}

/** Runs a command by its title from the command palette (F1). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${title}`, { timeout: 15_000 });
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor({ timeout: 15_000 });
  await input.press('Enter');
}
