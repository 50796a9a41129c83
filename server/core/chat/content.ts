/**
 * Checks a user message's content before it joins a chat: plain text, or an array of text and
 * image parts (plus Refact's separate `attachments`). Images must be base64 `data:` URLs of a
 * format every vision model takes, at most five per message, as Refact allows; anything else is
 * refused with the reason and the element's position, so the client can show what was wrong.
 */
import { MAX_IMAGES_PER_MESSAGE, type UserContentPart, type ChatUserContent } from '../../../src/protocol/chat';

export type ContentCheck = { ok: true; content: ChatUserContent } | { ok: false; error: string };

const IMAGE_URL = /^data:image\/(png|jpeg|jpg|gif|webp);base64,([A-Za-z0-9+/]+={0,2})$/;
/** A decoded image larger than this is not a screenshot; the request body limit is 15 MiB. */
const MAX_IMAGE_BASE64 = 14 * 1024 * 1024;

function bad(error: string): ContentCheck {
  return { ok: false, error };
}

function checkImageUrl(url: unknown, where: string): string | null {
  if (typeof url !== 'string') return `${where} missing image_url.url`;
  if (url.length > MAX_IMAGE_BASE64) return `${where}: image is larger than ${MAX_IMAGE_BASE64 >> 20} MiB`;
  const match = IMAGE_URL.exec(url);
  if (!match) return `${where}: image_url.url must be a base64 data URL of a png, jpeg, gif or webp image`;
  if (match[2]!.length % 4 !== 0) return `${where}: image data is not valid base64`;
  return null;
}

/** Validates `content` and `attachments`; a single text part collapses to a plain string. */
export function validateUserContent(content: unknown, attachments: unknown = []): ContentCheck {
  const parts: UserContentPart[] = [];
  let images = 0;
  const addImage = (url: string, where: string): string | null => {
    images += 1;
    if (images > MAX_IMAGES_PER_MESSAGE) return `Too many images: max ${MAX_IMAGES_PER_MESSAGE} allowed`;
    const problem = checkImageUrl(url, where);
    if (problem) return problem;
    parts.push({ type: 'image_url', image_url: { url } });
    return null;
  };
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    if (content.length === 0) return bad('Content array is empty');
    for (const [index, item] of content.entries()) {
      if (typeof item !== 'object' || item === null) return bad(`Content element ${index} is not an object`);
      const { type, text, image_url } = item as { type?: unknown; text?: unknown; image_url?: { url?: unknown } };
      if (typeof type !== 'string') return bad(`Content element ${index} missing 'type' field`);
      if (type === 'text') {
        if (typeof text !== 'string') return bad(`Content element ${index} missing 'text' field`);
        parts.push({ type: 'text', text });
      } else if (type === 'image_url') {
        const problem = addImage(image_url?.url as string, `Content element ${index}`);
        if (problem) return bad(problem);
      } else {
        return bad(`Unknown content type '${type}' at element ${index}`);
      }
    }
  } else if (content !== null && content !== undefined) {
    return bad(`Content must be string or array, got ${Array.isArray(content) ? 'array' : typeof content}`);
  }
  if (!Array.isArray(attachments)) return bad('attachments must be an array');
  for (const [index, attachment] of attachments.entries()) {
    const url = (attachment as { image_url?: { url?: unknown } } | null)?.image_url?.url;
    const problem = addImage(url as string, `Attachment ${index}`);
    if (problem) return bad(problem);
  }
  if (parts.length === 0) return bad('Message is empty: send text or an image');
  if (parts.length === 1 && parts[0]!.type === 'text') return { ok: true, content: parts[0]!.text };
  return { ok: true, content: parts };
}

/** The text of a content, images left out: for titles and logs. */
export function contentText(content: ChatUserContent | string | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.filter((p): p is Extract<UserContentPart, { type: 'text' }> => p.type === 'text').map((p) => p.text).join('\n');
}
