/**
 * `web`: fetches a page (http/https only, with a time limit), turns HTML into readable text
 * with the @web command's converter, and shortens it with the output filter.
 */
import { str, type ToolArgs } from '../../core/tools/args';
import { filterOutput, parseOutputLimit } from '../../core/tools/output-filter';
import { pageToText, type WebPage } from '../chat/at-commands';
import { failed, type ToolContext, type ToolResult } from './tool-types';

export type FetchPage = (url: string, signal: AbortSignal) => Promise<WebPage>;

const DEFAULT_TIMEOUT_S = 15;

export async function defaultFetchPage(url: string, signal: AbortSignal): Promise<WebPage> {
  const response = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'text/html, text/plain;q=0.9, */*;q=0.5' } });
  return { url: response.url || url, status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

export async function webTool(args: ToolArgs, ctx: ToolContext, fetchPage: FetchPage): Promise<ToolResult> {
  const url = str(args, 'url').trim();
  const options = (args.options ?? {}) as { timeout?: unknown };
  const timeoutS = Number(options.timeout) > 0 ? Number(options.timeout) : DEFAULT_TIMEOUT_S;
  let page: WebPage;
  try {
    page = await fetchPage(url, AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutS * 1000)]));
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return failed(`Cannot fetch ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  if (page.status >= 400) return failed(`${url} answered HTTP ${page.status}.`);
  const text = /html|xml/i.test(page.contentType) || /^\s*</.test(page.body) ? pageToText(page.body) : page.body;
  const limits = { limitLines: parseOutputLimit(str(args, 'output_limit'), 200), limitChars: 100_000, grep: str(args, 'output_filter') || undefined };
  return { ok: true, content: `${page.url}\n\n${filterOutput(text.trim(), limits)}` };
}
