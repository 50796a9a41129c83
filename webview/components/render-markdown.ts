/**
 * Model text to safe HTML: marked renders (GFM), DOMPurify removes everything that could run
 * (scripts, event handlers, `javascript:` links) before it reaches the DOM. Only HTML profile
 * tags are kept; SVG and MathML are dropped as the chat does not need them. Syntax highlighting
 * of code blocks comes in a later slice.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: false });

// A link from the model opens beside the chat, never in its place, and gets no opener handle.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName !== 'A' || !node.hasAttribute('href')) return;
  node.setAttribute('target', '_blank');
  node.setAttribute('rel', 'noopener noreferrer');
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}
