/** An empty or whitespace-only completion is no suggestion. */
import type { Filter } from './types';

export const dropEmpty: Filter = (text) => (text.trim() === '' ? '' : text);
