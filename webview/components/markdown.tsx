/** Rendered Markdown; the HTML is sanitized by `renderMarkdown`, never set raw. */
import { useMemo } from 'preact/hooks';
import { renderMarkdown } from './render-markdown';

export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
