// group_vars/ and host_vars/ beside an inventory source, found the way Ansible's host_group_vars plugin finds them.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isEmptyNode, parseYaml } from '../util/yaml-positions.js';
import { readVarsNode } from './parse-yaml-inventory.js';
import type { DirVars, InventoryModel, TaggedVars } from './model.js';

/** Ansible's YAML_FILENAME_EXTENSIONS, tried after the bare name. */
const VAR_EXTENSIONS = ['.yml', '.yaml', '.json'];

async function kindOf(p: string): Promise<'file' | 'dir' | undefined> {
  const st = await stat(p).catch(() => undefined);
  return st?.isDirectory() ? 'dir' : st?.isFile() ? 'file' : undefined;
}

async function listSorted(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/**
 * DataLoader._get_dir_vars_files: every file under a NAME/ directory, sorted, recursing into sub-directories that have
 * no extension; hidden files, `~` backups and files whose extension is not a YAML one are skipped.
 */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await listSorted(dir)) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const ext = path.extname(name);
    const full = path.join(dir, name);
    const kind = await kindOf(full);
    if (kind === 'dir' && ext === '') out.push(...(await filesUnder(full)));
    else if (kind === 'file' && (ext === '' || VAR_EXTENSIONS.includes(ext))) out.push(full);
  }
  return out;
}

/**
 * DataLoader.find_vars_files: the first of NAME, NAME.yml, NAME.yaml, NAME.json that exists, and only that one (a
 * directory brings every file under it). The entity's name is taken whole, so `db-1.example.com` is a host's file,
 * not `db-1.example` with a `.com` extension.
 */
async function filesFor(dir: string, present: ReadonlySet<string>, name: string): Promise<string[]> {
  for (const candidate of ['', ...VAR_EXTENSIONS].map((e) => name + e)) {
    if (!present.has(candidate)) continue;
    const full = path.join(dir, candidate);
    const kind = await kindOf(full);
    if (kind === 'dir') return filesUnder(full);
    if (kind === 'file') return [full];
  }
  return [];
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

/** Entries of dir that no entity read: a warning, since a typo there silently drops variables. */
function unread(dir: string, present: ReadonlySet<string>, used: ReadonlySet<string>): string[] {
  return [...present].filter((n) => !used.has(n) && !n.startsWith('.') && !n.endsWith('~')).map((n) => path.join(path.basename(dir), n));
}

async function loadKind(dir: string, names: readonly string[], sourceIndex: number, baseDir: string, model: InventoryModel, sink: DirVars[]): Promise<string[]> {
  const present = new Set(await listSorted(dir));
  if (present.size === 0) return [];
  const used = new Set<string>();
  for (const name of names) {
    const files = await filesFor(dir, present, name);
    if (files.length === 0) continue;
    for (const candidate of ['', ...VAR_EXTENSIONS].map((e) => name + e)) {
      if (present.has(candidate)) {
        used.add(candidate);
        break;
      }
    }
    const entry: DirVars = { sourceIndex, name, vars: new Map() };
    sink.push(entry);
    for (const f of files) await loadVarsFile(f, baseDir, model, entry.vars);
  }
  return unread(dir, present, used);
}

/**
 * Loads group_vars/ and host_vars/ found in baseDir (the inventory file's directory, or the inventory directory) for
 * every group and host of the whole inventory: called once all sources are read, as Ansible's vars plugins run then.
 * Returns the entries no group or host read.
 */
export async function loadVarsDirs(baseDir: string, sourceIndex: number, model: InventoryModel): Promise<string[]> {
  const g = await loadKind(path.join(baseDir, 'group_vars'), [...model.groups.keys()], sourceIndex, baseDir, model, model.groupDirVars);
  const h = await loadKind(path.join(baseDir, 'host_vars'), [...model.hosts.keys()], sourceIndex, baseDir, model, model.hostDirVars);
  return [...g, ...h];
}
