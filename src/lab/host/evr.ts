// rpm version ordering for the lab's own decisions (is the installed build the fixed one?); the product has its own.

/** rpmvercmp: segments of digits or letters compared in turn; ~ sorts before anything, ^ after the end. */
export function labRpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const sep = (c: string | undefined) => c !== undefined && !/[A-Za-z0-9~^]/.test(c);
  while (i < a.length || j < b.length) {
    while (sep(a[i])) i++;
    while (sep(b[j])) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++; j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++; j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = /\d/.test(a[i]!);
    const re = numeric ? /^\d+/ : /^[A-Za-z]+/;
    const sa = re.exec(a.slice(i))?.[0] ?? '';
    const sb = re.exec(b.slice(j))?.[0] ?? '';
    if (sb === '') return numeric ? 1 : -1;
    i += sa.length;
    j += sb.length;
    if (numeric) {
      const na = sa.replace(/^0+/, '');
      const nb = sb.replace(/^0+/, '');
      if (na.length !== nb.length) return na.length > nb.length ? 1 : -1;
      if (na !== nb) return na > nb ? 1 : -1;
    } else if (sa !== sb) {
      return sa > sb ? 1 : -1;
    }
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export interface LabEvr {
  epoch: string | null;
  version: string;
  release: string;
}

export function compareLabEvr(a: LabEvr, b: LabEvr): number {
  return labRpmvercmp(a.epoch ?? '0', b.epoch ?? '0') || labRpmvercmp(a.version, b.version) || labRpmvercmp(a.release, b.release);
}

/**
 * Debian's ordering for the lab's own decisions on Ubuntu hosts (which kernel grub boots, which build is the fixed one):
 * per policy 5.6.12, written apart from the product's src/deb so a mistake in one is not hidden by the other.
 */
export function labDebCompare(a: LabEvr, b: LabEvr): number {
  const weight = (c: string | undefined): number => (c === undefined ? 0 : c === '~' ? -1 : /[A-Za-z]/.test(c) ? c.charCodeAt(0) : c.charCodeAt(0) + 256);
  const part = (x: string, y: string): number => {
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      while ((i < x.length && !/\d/.test(x[i]!)) || (j < y.length && !/\d/.test(y[j]!))) {
        const wx = /\d/.test(x[i] ?? '') ? 0 : weight(x[i]);
        const wy = /\d/.test(y[j] ?? '') ? 0 : weight(y[j]);
        if (wx !== wy) return wx - wy;
        i++;
        j++;
      }
      const nx = /^\d*/.exec(x.slice(i))![0];
      const ny = /^\d*/.exec(y.slice(j))![0];
      i += nx.length;
      j += ny.length;
      const d = BigInt(nx || '0') - BigInt(ny || '0');
      if (d !== 0n) return d > 0n ? 1 : -1;
    }
    return 0;
  };
  return Number(a.epoch ?? '0') - Number(b.epoch ?? '0') || part(a.version, b.version) || part(a.release, b.release);
}
