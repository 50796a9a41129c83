/** Trailing whitespace on each line and at the end is noise an editor would only flag. */
import type { Filter } from './types';

export const trimTrailing: Filter = (text) => text.split('\n').map((line) => line.trimEnd()).join('\n').trimEnd();
