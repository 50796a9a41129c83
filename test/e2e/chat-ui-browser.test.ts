/**
 * The chat UI as the engine serves it to a browser tab, in real Chromium (playwright-core)
 * against the built engine, whose chat model is a scripted OpenAI-compatible upstream: open
 * `/chat`, type a question, press Enter, and the streamed answer renders as sanitized Markdown;
 * Stop ends a held stream at the provider; a reload shows the same chat.
 * Screenshots go to test/e2e/out/chat-ui-browser/ (or $E2E_OUTPUT_DIR/chat-ui-browser).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startEngineProcess, tempDir, type EngineProcess } from '../helpers/engine-process';
import { chatDelta, usageChunk } from '../helpers/scripted-chat-upstream';
import { chatBody, selfHostedCaps, startScriptedUpstream, withCaps, type ScriptedUpstream } from '../helpers/scripted-upstream';
import { REPO_ROOT } from './harness/tools';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ANSWER = [
  'The answer is **bold', '** and plain.\n\n', '<img src="x" onerror="window.__pwned = 1">', ' Done.\n\n',
  'See [the docs](https://example.invalid/docs) and [this](javascript:alert(1)).',
];

describe('chat UI in a browser tab, served by the engine', { timeout: 180_000 }, () => {
  let upstream: ScriptedUpstream;
  let engine: EngineProcess;
  let browser: Browser;
  let page: Page;
  const out = join(process.env.E2E_OUTPUT_DIR ?? join(REPO_ROOT, 'test', 'e2e', 'out'), 'chat-ui-browser');

  before(async () => {
    for (const built of ['dist/server/main.js', 'dist/webview/main.js', 'dist/webview/main.css']) {
      if (!existsSync(join(REPO_ROOT, built))) throw new Error(`${built} missing: run \`node esbuild.mjs\` first`);
    }
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run \`bash scripts/setup-e2e.sh\``);
    mkdirSync(out, { recursive: true });
    upstream = await startScriptedUpstream(withCaps(selfHostedCaps({ completion: {}, chat: ['chat-model'], nCtx: 8192 }), (request) =>
      (request.body as { stream?: boolean } | undefined)?.stream
        ? { kind: 'sse', events: [...ANSWER.map((text) => chatDelta({ content: text })), chatDelta({}, 'stop'), usageChunk(12, 9)] }
        : { kind: 'json', body: chatBody('Bold question') }));
    engine = await startEngineProcess({ args: ['--workspace-folder', tempDir('chat-ui-browser'), '--address-url', upstream.url] });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  });
  after(async () => {
    await browser?.close();
    await engine?.stop();
    await upstream?.close();
  });

  it('sends with Enter and renders the streamed answer as sanitized Markdown', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const root = await fetch(`${engine.baseUrl}/`, { redirect: 'manual' });
    assert.deepEqual([root.status, root.headers.get('location')], [302, '/chat']);

    await page.goto(`${engine.baseUrl}/chat`);
    await page.getByText('No messages yet.').waitFor();
    assert.match(new URL(page.url()).searchParams.get('chat_id') ?? '', /^chat-/, 'the chat id is kept in the address for reloads');
    await page.screenshot({ path: join(out, '1-empty.png') });

    const box = page.getByLabel('Message');
    await box.fill('What is');
    await box.press('Shift+Enter');
    await box.pressSequentially(' bold?');
    assert.equal(await box.inputValue(), 'What is\n bold?', 'Shift+Enter makes a new line and sends nothing');
    await box.fill('What is bold?');
    await box.press('Enter');
    const answer = page.locator('article.message.assistant[data-streaming="false"]');
    await answer.locator('strong', { hasText: 'bold' }).waitFor();
    await answer.getByText('Done.').waitFor();
    await page.getByRole('heading', { name: 'Bold question' }).waitFor();
    await page.screenshot({ path: join(out, '2-answered.png') });

    assert.equal(await page.locator('article.message.user').innerText(), 'What is bold?');
    assert.equal(await box.inputValue(), '', 'the box is cleared after sending');
    // The model's <img onerror> reached the page only as a sanitized element: no handler attribute.
    const handlers = await answer.locator('*').evaluateAll((nodes: Array<{ getAttributeNames(): string[] }>) => nodes.flatMap((n) => n.getAttributeNames().filter((a) => a.startsWith('on'))));
    assert.deepEqual(handlers, []);
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
    // Links open beside the chat without an opener; a javascript: link loses its href.
    const links = await answer.locator('a').evaluateAll((nodes: Array<{ getAttribute(name: string): string | null }>) =>
      nodes.map((a) => [a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel')]));
    assert.deepEqual(links, [['https://example.invalid/docs', '_blank', 'noopener noreferrer'], [null, null, null]]);
    const sent = upstream.posts('/v1/chat/completions').find((r) => (r.body as { stream?: boolean }).stream);
    const messages = (sent?.body as { messages: Array<{ role: string; content: unknown }> }).messages;
    assert.deepEqual(messages.at(-1), { role: 'user', content: 'What is bold?' });
    assert.deepEqual(errors, []);
  });

  it('stops a streaming answer with the Stop button, and a reload shows the same chat', async () => {
    upstream.queue({ kind: 'sse-hold', events: [chatDelta({ content: 'Let me think about that' })] });
    const before = upstream.posts('/v1/chat/completions').length;
    await page.getByLabel('Message').fill('Think slowly');
    await page.getByLabel('Message').press('Enter');
    const streaming = page.locator('article.message.assistant[data-streaming="true"]');
    await streaming.getByText('Let me think about that').waitFor();
    await page.screenshot({ path: join(out, '3-streaming.png') });
    const held = upstream.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions')[before]!;
    await page.getByRole('button', { name: 'Stop' }).click();
    await held.aborted;
    await streaming.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Send' }).waitFor();

    await page.reload();
    await page.locator('article.message.assistant strong', { hasText: 'bold' }).waitFor();
    const users = await page.locator('article.message.user').allInnerTexts();
    assert.deepEqual(users, ['What is bold?', 'Think slowly']);
    await page.screenshot({ path: join(out, '4-reloaded.png') });
  });
});
