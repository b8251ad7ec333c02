// Which parser reads an inventory source: by extension first, else by its first meaningful line.
import path from 'node:path';

export type InventoryFormat = 'yaml' | 'ini';

const INI_SECTION = /^\[[^\]\s]+\]\s*(?:[#;].*)?$/;
/** A YAML mapping key ending its line ("all:") or followed by a space ("all: {hosts: ...}"); "web1:2222" is INI. */
const YAML_KEY = /^[^\s=#;[]+:(\s.*)?$/;

export function detectInventoryFormat(file: string, text: string): InventoryFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.yml' || ext === '.yaml' || ext === '.json') return 'yaml';
  if (ext === '.ini' || ext === '.cfg') return 'ini';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('{') || line.startsWith('---') || line.startsWith('%YAML')) return 'yaml';
    if (INI_SECTION.test(line)) return 'ini';
    return YAML_KEY.test(line) ? 'yaml' : 'ini';
  }
  return 'ini';
}
