/** What every post-processing filter sees besides the completion text. */
export interface PostProcessContext {
  /** The cursor line left of the cursor. */
  linePrefix: string;
  /** The cursor line right of the cursor (without its line end). */
  lineSuffix: string;
  /** The lines after the cursor line, without line ends (a few are enough). */
  nextLines: string[];
  multiline: boolean;
  /** The stop sequences the upstream was given (it may have ignored some). */
  stops: string[];
}

/** A filter takes the completion so far and gives it back changed; `''` drops it. */
export type Filter = (text: string, ctx: PostProcessContext) => string;
