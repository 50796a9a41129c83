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

/** A page is read up to this many bytes: a huge or endless answer must not fill the engine's memory. */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

export async function defaultFetchPage(url: string, signal: AbortSignal): Promise<WebPage> {
  const response = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'text/html, text/plain;q=0.9, */*;q=0.5' } });
  const parts: Buffer[] = [];
  let bytes = 0;
  if (response.body) {
    for await (const part of response.body) {
      parts.push(Buffer.from(part));
      bytes += part.byteLength;
      // Leaving the loop early cancels the rest of the answer.
      if (bytes >= MAX_PAGE_BYTES) break;
    }
  }
  const body = Buffer.concat(parts).subarray(0, MAX_PAGE_BYTES).toString('utf8');
  return { url: response.url || url, status: response.status, contentType: response.headers.get('content-type') ?? '', body };
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
