// Parses `yum/dnf check-update` listings: which versions the host's repositories offer.

export interface AvailableUpdate {
  name: string;
  arch: string;
  /** [epoch:]version-release as yum prints it. */
  evr: string;
  repo: string;
}

const ROW = /^(\S+)\.([A-Za-z0-9_]+)\s+(\S+)\s+(\S+)\s*$/;

/**
 * Lines look like `kernel.x86_64   3.10.0-957.12.2.el7   rhel-7-server-rpms`. A value wider than its column makes yum
 * and dnf (fmtColumns) end the line after it and continue the row on the next line, indented: such rows are joined
 * again. Headers, blank lines and the "Obsoleting Packages" block are skipped.
 */
export function parseCheckUpdate(stdout: string): AvailableUpdate[] {
  const out: AvailableUpdate[] = [];
  let partial: string | null = null;
  for (const line of stdout.split('\n')) {
    if (/^Obsoleting Packages/i.test(line)) break;
    let row = line;
    if (partial !== null && /^\s/.test(line) && line.trim() !== '') row = `${partial} ${line.trim()}`;
    partial = null;
    const m = ROW.exec(row);
    if (!m) {
      // A row cut short by an overflowing column: name.arch alone, or name.arch and version.
      if (/^\S+\.[A-Za-z0-9_]+(\s+\S+)?\s*$/.test(row)) partial = row.trim();
      continue;
    }
    const [, name, arch, evr, repo] = m;
    if (!/\d/.test(evr!)) continue;
    out.push({ name: name!, arch: arch!, evr: evr!, repo: repo! });
  }
  return out;
}
