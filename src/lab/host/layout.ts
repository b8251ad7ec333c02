// Where a fake host's files live: on the machine (per-host dir under the lab dir) and inside the host (fixed paths).
import path from 'node:path';

/** The host's state dir is bind-mounted here inside the host; the shell tools read it from this path. */
export const IN_HOST_STATE = '/var/lib/fakehost';
/** docker/compute-host/bin is bind-mounted here inside the host; /usr/local/bin holds links to the tools the layout has. */
export const IN_HOST_TOOLS = '/usr/local/lib/fakehost/bin';
/** Host directories outside /etc that some layouts keep files in, each backed by a per-host dir (empty mount points on the machine). */
export const IN_HOST_DIRS = { configData: '/var/lib/config-data', openstack: '/openstack' } as const;

export interface HostLayout {
  /** <labDir>/hosts/<name> */
  dir: string;
  etcUpper: string;
  etcWork: string;
  /** The state dir (IN_HOST_STATE inside the host); `writeGuests` and `guestCpuGetsMdClear` take this path. */
  state: string;
  /** Rewritten by the supervisor before each boot. */
  boot: string;
  /** Bind-mounted over /usr/local/bin: links to the tools this host's layout has. */
  bin: string;
  /** Backing dirs of IN_HOST_DIRS (created only for the layouts that use them). */
  configData: string;
  openstack: string;
}

export function hostLayout(labDir: string, name: string): HostLayout {
  const dir = path.join(labDir, 'hosts', name);
  const state = path.join(dir, 'state');
  return { dir, etcUpper: path.join(dir, 'etc-upper'), etcWork: path.join(dir, 'etc-work'), state, boot: path.join(state, 'boot'),
    bin: path.join(dir, 'bin'), configData: path.join(dir, 'config-data'), openstack: path.join(dir, 'openstack') };
}

/** Where a file the host sees at `inHost` lives on the machine (null: a path the lab does not back per host). */
export function machinePath(layout: HostLayout, inHost: string): string | null {
  const under = (root: string, dir: string) => (inHost.startsWith(`${root}/`) ? path.join(dir, inHost.slice(root.length + 1)) : null);
  return under('/etc', layout.etcUpper) ?? under(IN_HOST_DIRS.configData, layout.configData) ?? under(IN_HOST_DIRS.openstack, layout.openstack);
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
  /** unit, description, container (- = none), role: the layout's systemd units. */
  units: 'units.tsv',
  /** name, image, role, running|exited, since: reset at each boot (the containers come back). */
  containers: 'containers.tsv',
  /** The container image's own package database and what the registry's newer image carries. */
  imageRpmdb: 'image-rpmdb.tsv',
  imageRepo: 'image-repo.tsv',
  /** One line per nova-compute/container/unit restart: epoch, how (the command), what. */
  restarts: 'restarts.log',
  bootJson: 'boot/boot.json',
} as const;
