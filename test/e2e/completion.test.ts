/**
 * Inline completion in a real VS Code (code-server + chromium) from the real companion server
 * serving the generated tiny GGUF (random weights: the text is noise, the plumbing is real).
 * Readiness is awaited on the page, the logs or the file on disk, never with a timer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { countLogMatches, findFile, waitForLogMatch } from './harness/log-file';
import { ENGINE_COMPLETION, readyWithModel, startCompanionVscode, TOKEN, type CompanionVscode } from './harness/with-companion';
import { openFromExplorer, runCommand, statusItem } from './harness/workbench';

const MAIN_TS = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n\n';
// The editor area's editor only: code-server's own Chat view is a Monaco editor too, and on a
// fresh profile it may open beside the file and take the first match.
const EDITOR = '.part.editor .monaco-editor';
const GHOST = `${EDITOR} .ghost-text-decoration, ${EDITOR} .ghost-text`;

async function waitForGhost(page: Page): Promise<string> {
  await page.locator(GHOST).first().waitFor({ state: 'visible', timeout: 60_000 });
  return (await page.locator(`${EDITOR} .ghost-text-decoration`).allInnerTexts()).join('').replace(/\u00a0/g, ' ');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const letters = (text: string) => text.replace(/[^A-Za-z]/g, '');

describe('inline completion in code-server', { timeout: 290_000 }, () => {
  let vs: CompanionVscode;
  let extensionLog = '';

  before(async () => {
    vs = await startCompanionVscode('completion', { 'main.ts': MAIN_TS });
  });
  after(async () => {
    await vs?.stop();
  });

  it('the status bar reaches ready with the completion model, the key moved out of settings.json', async () => {
    await readyWithModel(vs.page).waitFor({ timeout: 120_000 });
    await vs.screenshot('1-ready');
    const userSettings = readFileSync(join(vs.server.userData, 'User', 'settings.json'), 'utf8');
    assert.ok(!userSettings.includes(TOKEN), `the plain key is cleared from settings.json:\n${userSettings}`);
    extensionLog = findFile(join(vs.server.userData, 'logs'), 'Refact TS.log') ?? '';
    assert.ok(extensionLog, 'the extension writes its log');
    await waitForLogMatch(extensionLog, /moved the API key from the refactts\.apiKey setting into secret storage/, 10_000);
  });

  it('typing shows ghost text from the companion, and Tab inserts it', async (t) => {
    const page = vs.page;
    await openFromExplorer(page, 'main.ts');
    await page.locator(`${EDITOR} .view-lines`).first().click();
    await page.keyboard.press('Control+End');
    const typed = 'const total = add(1, 2) + ';
    await page.keyboard.type(typed, { delay: 20 });
    const typedAt = Date.now();
    const ghost = await waitForGhost(page);
    t.diagnostic(`ghost text ${JSON.stringify(ghost)} shown ${Date.now() - typedAt} ms after the last keystroke`);
    assert.ok(ghost.length > 0, 'the suggestion has text');
    await vs.screenshot('2-ghost-text');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+S');
    // The file on disk once it holds what was typed and something after it.
    const path = join(vs.server.workspace, 'main.ts');
    const [saved] = await waitForLogMatch(path, new RegExp(`^${escapeRegExp(MAIN_TS + typed)}.+`, 's'), 30_000);
    const inserted = saved.slice(MAIN_TS.length + typed.length).split('\n')[0]!;
    assert.ok(inserted.length > 0, `Tab inserted the suggestion: ${JSON.stringify(saved)}`);
    assert.equal(letters(inserted), letters(ghost), `inserted ${JSON.stringify(inserted)} is the ghost text ${JSON.stringify(ghost)}`);
    await vs.screenshot('3-accepted');
  });

  it('pause stops automatic requests; Alt+Space still asks, once', async () => {
    const page = vs.page;
    await runCommand(page, 'Refact TS: Pause Completion');
    await statusItem(page).and(page.locator('[aria-label*="paused"]')).waitFor({ timeout: 30_000 });
    await vs.screenshot('4-paused');
    // The palette gives the focus back to the editor; Escape drops a suggestion shown there.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('let y = ', { delay: 20 });
    // The provider saw the keystrokes and skipped them because of the pause.
    await waitForLogMatch(extensionLog, /completion is paused: no suggestions until it is resumed/, 30_000);
    const before = countLogMatches(vs.engineLog, ENGINE_COMPLETION);
    await page.keyboard.press('Alt+Space');
    await waitForGhost(page);
    await waitForLogMatch(vs.engineLog, new RegExp(`(${ENGINE_COMPLETION.source}[^]*){${before + 1}}`), 30_000);
    assert.equal(countLogMatches(vs.engineLog, ENGINE_COMPLETION), before + 1, 'only the manual request reached the model');
    await runCommand(page, 'Refact TS: Resume Completion');
    await readyWithModel(page).waitFor({ timeout: 30_000 });
    assert.ok(!((await statusItem(page).getAttribute('aria-label')) ?? '').includes('paused'));
  });
});
