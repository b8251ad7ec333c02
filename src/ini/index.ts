// Public face of the INI module: oslo-style reading, ini_file-style line-preserving edits, unified diffs.
export { getOption, readIni } from './read.js';
export type { IniValues } from './read.js';
export { setOption } from './set-option.js';
export { addListItem, listItems } from './list-item.js';
export type { ListEditResult } from './list-item.js';
export { unifiedDiff } from './unified-diff.js';
