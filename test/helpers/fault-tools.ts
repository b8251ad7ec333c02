// Fault injection from outside a lab host for e2e fault scenarios: tolerant playbooks, dropped SSH sessions, inventory edits.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { FAST_PLAYBOOK, type LabHandle } from './lab.js';

/** The fast playbook with other top-level settings (e.g. a larger failure budget so every fault shows in one run). */
export function playbookWith(dir: string, name: string, overrides: Record<string, unknown>, stepParams: Record<string, Record<string, unknown>> = {}): string {
  const doc = parse(readFileSync(FAST_PLAYBOOK, 'utf8')) as { steps: Record<string, Record<string, unknown>>[] } & Record<string, unknown>;
  Object.assign(doc, overrides);
  for (const step of doc.steps) {
    const id = Object.keys(step)[0]!;
    if (stepParams[id]) step[id] = { ...step[id], ...stepParams[id] };
  }
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(doc, { aliasDuplicateObjects: false }));
  return file;
}

/** Address of a lab host as written in the lab's inventory. */
export function hostAddress(lab: LabHandle, host: string): string {
  const inv = parse(readFileSync(lab.inventory, 'utf8')) as { all: { children: { compute: { hosts: Record<string, { ansible_host: string }> } } } };
  return inv.all.children.compute.hosts[host]!.ansible_host;
}

/** A copy of the lab inventory with some hosts' variables changed (e.g. an address where nothing listens). */
export function inventoryWith(lab: LabHandle, name: string, hostVars: Record<string, Record<string, unknown>>): string {
  const inv = parse(readFileSync(lab.inventory, 'utf8')) as { all: { children: { compute: { hosts: Record<string, Record<string, unknown>> } } } };
  for (const [h, vars] of Object.entries(hostVars)) Object.assign(inv.all.children.compute.hosts[h]!, vars);
  const file = join(lab.dir, `${name}.yaml`);
  writeFileSync(file, stringify(inv));
  return file;
}

/** PIDs (machine view) of the sshd session processes of one host: children of its sshd PID 1. */
export function sshSessionPids(address: string): number[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  const rows = ps.split('\n').map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  const pid1 = rows.find((m) => m[3]!.includes('sshd') && m[3]!.includes(`ListenAddress=${address}:`));
  if (!pid1) return [];
  return rows.filter((m) => m[2] === pid1[1]).map((m) => Number(m[1]));
}

/** Cuts every SSH connection to the host at once (its sshd keeps listening): what a flaky network does to a session. */
export function dropSshSessions(address: string): number {
  const pids = sshSessionPids(address);
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  return pids.length;
}

/** Rewrites a key=value in a host's fault env file (read by its yum on every call), e.g. to clear a yum fault. */
export function setHostEnv(lab: LabHandle, host: string, key: string, value: string): void {
  const file = join(lab.dir, 'hosts', host, 'state', 'host.env');
  const text = readFileSync(file, 'utf8');
  const re = new RegExp(`^${key}=.*$`, 'm');
  if (!re.test(text)) throw new Error(`${key} not in ${file}`);
  writeFileSync(file, text.replace(re, `${key}=${value}`));
}

export async function waitFor(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 120_000, everyMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
