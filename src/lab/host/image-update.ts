// The lab's stand-in for a deployment tool's image update (overcloud update run, kolla-ansible pull + deploy-containers).
import { appendFileSync, copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readBootState, writeVirtFiles } from './boot-files.js';
import { withRestartedImage } from './boot-state.js';
import { LAB_LAYOUT_PROFILES } from './deployment-layouts.js';
import { LabHostError } from './errors.js';
import { machinePath, STATE_FILES, type HostLayout } from './layout.js';
import { writeLabFileSync } from './materialise.js';
import { formatInstalled, parseInstalled, type InstalledRow } from './packages.js';
import type { FakeHostSpec } from './spec.js';

export interface LabImageUpdate {
  host: string;
  /** name-version-release of the image's qemu/libvirt packages before and after. */
  before: string[];
  after: string[];
  restarted: string[];
}

const nvr = (rows: InstalledRow[], names: Set<string>) => rows.filter((r) => names.has(r.name)).map((r) => `${r.name}-${r.version}-${r.release}`);

/**
 * Pulls the registry's newer image (image-repo.tsv) into the host's image package database and recreates every
 * container on it, as the deployment tool does: the containers restart now, libvirt and qemu answer with the new
 * builds, and nova-compute reads its nova.conf again. Kernel and microcode stay what the host booted.
 */
export function updateHostImage(layout: HostLayout, spec: FakeHostSpec, now = Date.now()): LabImageUpdate {
  const profile = LAB_LAYOUT_PROFILES[spec.layout];
  if (!profile.qemuInImage) {
    throw new LabHostError('E_LAB_STATE', `host ${spec.name}: layout ${spec.layout} runs qemu and libvirt from host packages: there is no image to update`,
      { host: spec.name });
  }
  const dbFile = path.join(layout.state, STATE_FILES.imageRpmdb);
  const repoFile = path.join(layout.state, STATE_FILES.imageRepo);
  const image = parseInstalled(readFileSync(dbFile, 'utf8'), dbFile);
  const offered = parseInstalled(readFileSync(repoFile, 'utf8'), repoFile);
  const names = new Set(offered.map((r) => r.name));
  const t = Math.floor(now / 1000);
  const updated = [...image.filter((r) => !names.has(r.name)), ...offered.map((r) => ({ ...r, arch: r.arch, installTime: t }))];
  writeLabFileSync(dbFile, formatInstalled(updated));

  const boot = readBootState(layout.state);
  if (!boot) throw new LabHostError('E_LAB_STATE', `host ${spec.name} has not booted yet`, { host: spec.name });
  writeVirtFiles(layout, withRestartedImage(boot, updated, profile.libvirtPackage));

  writeLabFileSync(path.join(layout.state, STATE_FILES.containers),
    profile.containers.map((c) => `${c.name}\t${c.image}\t${c.role}\trunning\t${t}\n`).join(''));
  const conf = machinePath(layout, profile.novaConf);
  if (conf) copyFileSync(conf, path.join(layout.state, STATE_FILES.loadedNovaConf));
  appendFileSync(path.join(layout.state, STATE_FILES.restarts),
    profile.containers.map((c) => `${t}\tlab update-image\t${c.name}\n`).join(''));
  return { host: spec.name, before: nvr(image, names), after: nvr(updated, names), restarted: profile.containers.map((c) => c.name) };
}
