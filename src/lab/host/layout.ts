// Where a fake host's files live: on the machine (per-host dir under the lab dir) and inside the host (fixed paths).
import path from 'node:path';

/** The host's state dir is bind-mounted here inside the host; the shell tools read it from this path. */
export const IN_HOST_STATE = '/var/lib/fakehost';

export interface HostLayout {
  /** <labDir>/hosts/<name> */
  dir: string;
  etcUpper: string;
  etcWork: string;
  /** The state dir (IN_HOST_STATE inside the host); `writeGuests` and `guestCpuGetsMdClear` take this path. */
  state: string;
  /** Rewritten by the supervisor before each boot. */
  boot: string;
}

export function hostLayout(labDir: string, name: string): HostLayout {
  const dir = path.join(labDir, 'hosts', name);
  const state = path.join(dir, 'state');
  return { dir, etcUpper: path.join(dir, 'etc-upper'), etcWork: path.join(dir, 'etc-work'), state, boot: path.join(state, 'boot') };
}

/** Files of one state dir, relative names shared with docker/compute-host/bin (keep both sides in step). */
export const STATE_FILES = {
  hostEnv: 'host.env',
  controlToken: 'control.token',
  rpmdb: 'rpmdb.tsv',
  repo: 'repo.tsv',
  services: 'services.tsv',
  guests: 'guests.tsv',
  loadedNovaConf: 'nova-compute.loaded.conf',
  bootJson: 'boot/boot.json',
} as const;
