// group_vars/ and host_vars/ beside an inventory source: NAME, NAME.yml|yaml|json, or a directory NAME/ of such files.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isEmptyNode, parseYaml } from '../util/yaml-positions.js';
import { readVarsNode } from './parse-yaml-inventory.js';
import type { DirVars, InventoryModel, TaggedVars } from './model.js';

const VAR_EXTENSIONS = ['.yml', '.yaml', '.json'];

/** Hidden files and editor backups are skipped, as Ansible's host_group_vars plugin does. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~');
}

function varName(file: string): string | undefined {
  const ext = path.extname(file);
  if (ext === '') return file;
  return VAR_EXTENSIONS.includes(ext) ? file.slice(0, -ext.length) : undefined;
}

async function listSorted(dir: string): Promise<Array<{ name: string; isDir: boolean }>> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => !ignored(e.name))
      .map((e) => ({ name: e.name, isDir: e.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

async function loadVarsFile(file: string, baseDir: string, model: InventoryModel, into: TaggedVars): Promise<void> {
  const text = await readFile(file, 'utf8');
  const { parsed, errors } = parseYaml(text, file, { version: text.trimStart().startsWith('{') ? '1.2' : '1.1' });
  if (errors.length > 0) {
    model.errors.push(...errors);
    return;
  }
  const root = parsed.doc.contents;
  if (isEmptyNode(parsed, root)) return;
  readVarsNode({ parsed, model, baseDir }, root, root, [], into);
}

/** Every file under dir (recursively, sorted), the order Ansible merges a NAME/ directory in. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await listSorted(dir)) {
    const full = path.join(dir, e.name);
    if (e.isDir) out.push(...(await filesUnder(full)));
    else if (varName(e.name) !== undefined) out.push(full);
  }
  return out;
}

async function loadKind(dir: string, sourceIndex: number, baseDir: string, model: InventoryModel, sink: DirVars[]): Promise<void> {
  const byName = new Map<string, DirVars>();
  for (const e of await listSorted(dir)) {
    const name = e.isDir ? e.name : varName(e.name);
    if (name === undefined) continue;
    let entry = byName.get(name);
    if (!entry) {
      entry = { sourceIndex, name, vars: new Map() };
      byName.set(name, entry);
      sink.push(entry);
    }
    const files = e.isDir ? await filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)];
    for (const f of files) await loadVarsFile(f, baseDir, model, entry.vars);
  }
}

/** Loads group_vars/ and host_vars/ found in baseDir (the inventory file's directory, or the inventory directory). */
export async function loadVarsDirs(baseDir: string, sourceIndex: number, model: InventoryModel): Promise<void> {
  await loadKind(path.join(baseDir, 'group_vars'), sourceIndex, baseDir, model, model.groupDirVars);
  await loadKind(path.join(baseDir, 'host_vars'), sourceIndex, baseDir, model, model.hostDirVars);
}
