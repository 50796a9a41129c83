/**
 * How much of a multiline completion can be sent to a streaming client before the provider has
 * finished. The post-processing filters change only a completion's first line (brackets), its
 * last line (text right of the cursor, trailing space) or cut it at a line (stops, the next
 * lines of the file), so a line is final once two more lines have started after it. What goes
 * out is always a prefix of what the finished completion will be, and clients only append.
 */
import { postProcess, type PostProcessContext } from '../../core/completion';

/** The part of the post-processed completion that cannot change any more ('' when none). */
export function stablePrefix(raw: string, ctx: PostProcessContext): string {
  if (!ctx.multiline) return '';
  const complete = raw.split('\n').length - 1;
  // The last complete line may still meet a stop that spans the line break.
  const keep = complete - 1;
  if (keep < 1) return '';
  const processed = postProcess(raw, ctx).split('\n');
  // The text must go on past the kept lines, or a filter may yet cut or drop them.
  if (processed.length <= keep) return '';
  const prefix = `${processed.slice(0, keep).join('\n')}\n`;
  return prefix.trim() === '' ? '' : prefix;
}
