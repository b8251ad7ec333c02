// CPU vendor and the md_clear flag, from the gather's two-line cpuinfo summary or from a raw /proc/cpuinfo.

export interface CpuFacts {
  vendor: 'intel' | 'amd' | 'unknown';
  mdClearFlag: boolean;
}

/** Reads `vendor_id: ...` and `md_clear: yes|no` lines, or the first `flags : ...` line of /proc/cpuinfo. */
export function parseCpuinfo(text: string): CpuFacts {
  let vendorId: string | null = null;
  let mdClear: boolean | null = null;
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_ ]+?)\s*:\s*(.*)$/.exec(line.trimEnd());
    if (!m) continue;
    const [, key, value = ''] = m;
    if (key === 'vendor_id' && vendorId === null) vendorId = value.trim();
    else if (key === 'md_clear' && mdClear === null) mdClear = value.trim() === 'yes';
    else if (key === 'flags' && mdClear === null) mdClear = value.split(/\s+/).includes('md_clear');
  }
  // HygonGenuine and others are left 'unknown': the workflow's Intel-only checks must not guess.
  const vendor = vendorId === 'GenuineIntel' ? 'intel' : vendorId === 'AuthenticAMD' ? 'amd' : 'unknown';
  return { vendor, mdClearFlag: mdClear ?? false };
}
