// The guests the fake Nova placed on a host (what virsh lists) and whether a guest booted now would get md-clear.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readBootState } from './boot-files.js';
import { LabHostError } from './errors.js';
import { STATE_FILES } from './layout.js';
import { writeLabFileSync } from './materialise.js';
import { configPassesMdClear, readLibvirtCpu } from './nova-conf.js';

export interface FakeGuest {
  uuid: string;
  /** libvirt domain name, e.g. instance-0000002a. */
  name: string;
  state: 'running' | 'shut off' | 'paused';
  /** The live domain CPU carries md-clear. */
  mdClear: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const STATES = new Set(['running', 'shut off', 'paused']);

/** Replaces the host's guest list (the state dir is `HostLayout.state`, also `LabFleet.stateDir(name)`). */
export function writeGuests(hostStateDir: string, guests: readonly FakeGuest[]): void {
  for (const g of guests) {
    if (!UUID.test(g.uuid)) throw new LabHostError('E_LAB_STATE', `guest uuid ${JSON.stringify(g.uuid)} is not a UUID`);
    if (!NAME.test(g.name)) throw new LabHostError('E_LAB_STATE', `guest name ${JSON.stringify(g.name)} is not a libvirt domain name`);
    if (!STATES.has(g.state)) throw new LabHostError('E_LAB_STATE', `guest ${g.name}: unknown state ${JSON.stringify(g.state)}`);
  }
  const text = guests.map((g) => `${g.uuid.toLowerCase()}\t${g.name}\t${g.state}\t${g.mdClear ? 1 : 0}\n`).join('');
  writeLabFileSync(path.join(hostStateDir, STATE_FILES.guests), text);
}

export function readGuests(hostStateDir: string): FakeGuest[] {
  let text: string;
  try {
    text = readFileSync(path.join(hostStateDir, STATE_FILES.guests), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l !== '').map((l) => {
    const [uuid = '', name = '', state = '', md = '0'] = l.split('\t');
    return { uuid, name, state: state as FakeGuest['state'], mdClear: md === '1' };
  });
}

/**
 * Would a guest cold-booted on this host now get md-clear? Yes when the running host offers md-clear in its
 * domcapabilities host-model AND the nova.conf nova-compute loaded (at boot or its last restart) passes it on:
 * cpu_mode host-model, host-passthrough or unset, or custom with md-clear among cpu_model_extra_flags.
 */
export function guestCpuGetsMdClear(hostStateDir: string): boolean {
  const boot = readBootState(hostStateDir);
  if (!boot?.hostModelMdClear) return false;
  let conf: string;
  try {
    conf = readFileSync(path.join(hostStateDir, STATE_FILES.loadedNovaConf), 'utf8');
  } catch {
    return false;
  }
  return configPassesMdClear(readLibvirtCpu(conf));
}
