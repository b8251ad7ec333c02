// nova.conf [libvirt] CPU options as nova-compute reads them (oslo.config semantics).
import { listItems } from '../ini/list-item.js';
import { readIniSection } from '../ini/read.js';
import type { NovaLibvirtConfig } from './types.js';

/**
 * The options that decide the guest CPU. Follows oslo.config:
 * - repeated `[libvirt]` sections merge and a key set twice takes its LAST value (`_get_value` returns values[-1]);
 * - option names are case-sensitive (`CPU_MODE` is not `cpu_mode`), section names are not;
 * - `cpu_models` wins over its deprecated name `cpu_model` when both are set (oslo looks the new name up first);
 * - no inline comments: `cpu_mode = custom # x` is the value "custom # x", as nova would see it;
 * - list options split on ',' with blanks trimmed; `cpu_model_extra_flags` items keep their case and +/- as written.
 */
export function parseNovaLibvirt(text: string | null): NovaLibvirtConfig {
  const libvirt = readIniSection(text ?? '', 'libvirt');
  const last = (key: string): string | null => {
    const values = libvirt?.get(key);
    return values === undefined ? null : (values[values.length - 1] ?? null);
  };
  const cpuMode = last('cpu_mode');
  const models = last('cpu_models') ?? last('cpu_model');
  const flags = last('cpu_model_extra_flags');
  const virtType = last('virt_type');
  return {
    cpuMode: cpuMode === null || cpuMode.trim() === '' ? null : cpuMode.trim(),
    cpuModels: models === null ? [] : listItems(models),
    extraFlags: flags === null ? [] : listItems(flags),
    virtType: virtType === null || virtType.trim() === '' ? null : virtType.trim(),
  };
}
