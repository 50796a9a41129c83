/**
 * The companion server's admin page in a real browser (Debian chromium through playwright-core)
 * against the built server (`companion/dist/main.js`) serving the tiny GGUF: sign in, models with
 * their device and live numbers, load and unload a model, and API tokens with a quota.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { spawnServer } from '../../companion/test/helpers/server-process';
import { tinyGguf } from '../../companion/test/helpers/tiny-model';
import { tempDir } from '../helpers/engine-process';
import { requireE2eTools, REPO_ROOT } from './harness/tools';
import { CHROMIUM_FLAGS } from './harness/workbench';

const ADMIN_TOKEN = 'admin-e2e-secret';

function startCompanion(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  return spawnServer([join(REPO_ROOT, 'companion', 'dist', 'main.js')], ['--port', '0', '--gpu', 'cpu', '--threads', '1', ...args]);
}

async function complete(url: string, secret: string): Promise<number> {
  const r = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model: 'tiny-llama', prompt: 'def add(a, b):', max_tokens: 3 }),
  });
  await r.text();
  return r.status;
}

describe('companion admin page in chromium', { timeout: 300_000 }, () => {
  let server: { url: string; child: ChildProcess };
  let browser: Browser;
  let page: Page;
  let gguf: string;

  before(async () => {
    const tools = requireE2eTools();
    gguf = await tinyGguf();
    server = await startCompanion(['--model', gguf, '--admin-token', ADMIN_TOKEN, '--perm-dir', tempDir('companion-admin')]);
    browser = await chromium.launch({ executablePath: tools.chromium, headless: true, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
  });

  it('asks for the admin token, then shows the served model on the CPU', async () => {
    await page.goto(server.url);
    await page.getByLabel('admin token').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong admin token.').waitFor();
    await page.getByLabel('admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page.locator('tr', { hasText: 'tiny-llama' }).first();
    await row.waitFor();
    assert.match(await row.innerText(), /completion.*CPU/s);
    await page.getByText('Compute: cpu').waitFor();
  });

  it('creates an API token whose secret works once shown, counts its use, enforces a daily quota set in the page, and revokes it', async () => {
    await page.getByLabel('token name').fill('laptop');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.locator('code.secret').innerText()).trim();
    assert.match(secret, /^rts-/);
    assert.equal(await complete(server.url, secret), 200);
    const tokenRow = page.locator('tr', { hasText: 'laptop' });
    // requests column: the page polls every 2 s.
    await tokenRow.locator('td', { hasText: /^1$/ }).first().waitFor();
    const modelRow = page.locator('tr', { hasText: 'tiny-llama' }).first();
    await modelRow.locator('td', { hasText: /^1$/ }).first().waitFor(); // the model's request count
    await page.getByLabel('daily quota of laptop').fill('1');
    await tokenRow.getByRole('button', { name: 'Save' }).click();
    await page.waitForFunction(async () => {
      const r = await fetch('/admin/api/tokens');
      const j = (await r.json()) as { tokens: Array<{ name: string; dailyTokenQuota: number | null }> };
      return j.tokens.some((t) => t.name === 'laptop' && t.dailyTokenQuota === 1);
    });
    assert.equal(await complete(server.url, secret), 429);
    await tokenRow.getByRole('button', { name: 'Revoke' }).click();
    await tokenRow.waitFor({ state: 'detached' });
    assert.equal(await complete(server.url, secret), 401);
  });

  it('imports a GGUF, loads it on the CPU, and unloads it', async () => {
    await page.getByLabel('import name').fill('team/tiny');
    await page.getByLabel('import path').fill(gguf);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText(/imported as .*team--tiny\.gguf/).waitFor();
    await page.getByLabel('weights to load').selectOption('team/tiny');
    await page.getByLabel('device').selectOption('0');
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    const row = page.locator('tr', { hasText: 'team/tiny' });
    await row.waitFor();
    assert.match(await row.innerText(), /CPU/);
    const caps = (await (await fetch(`${server.url}/refact-caps`)).json()) as { completion: { models: Record<string, unknown> } };
    assert.ok('team/tiny' in caps.completion.models);
    await row.getByRole('button', { name: 'Unload' }).click();
    await row.waitFor({ state: 'detached' });
  });
});
