// The files `lab up` leaves for users: inventory.yaml, clouds.yaml, and lab.json (what is running, for down/status/audit).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeLabFileSync } from './host/materialise.js';
import type { LabConfig } from './lab-config.js';

export const LAB_USER = 'mds-orchestrate';
export const LAB_PASSWORD = 'lab-password';
export const LAB_CLOUD = 'lab';
/** The fake Keystone's application credential of LAB_USER (src/lab/cloud/config.ts). */
export const LAB_APPCRED_ID = 'a0d2c1b7e5f84c0f9c3e6b1d2a4f7e90';
export const LAB_APPCRED_SECRET = 'lab-appcred-secret';

export interface LabRuntime {
  pid: number;
  dir: string;
  novaUrl: string;
  startedAt: string;
  hosts: { name: string; address: string; port: number }[];
  /** Host PIDs (outside view of each namespace's supervisor), so `lab down` can clean up after a daemon that died. */
  hostPids: number[];
}

export const labPaths = (dir: string) => ({
  config: join(dir, 'lab-config.json'),
  runtime: join(dir, 'lab.json'),
  ready: join(dir, 'ready'),
  log: join(dir, 'daemon.log'),
  inventory: join(dir, 'inventory.yaml'),
  clouds: join(dir, 'clouds.yaml'),
  hostStatus: join(dir, 'hosts.json'),
});

export function readRuntime(dir: string): LabRuntime | null {
  try {
    return JSON.parse(readFileSync(labPaths(dir).runtime, 'utf8')) as LabRuntime;
  } catch {
    return null;
  }
}

export async function writeInventory(dir: string, lab: LabConfig, hosts: LabRuntime['hosts'], keys: { privateKey: string; knownHosts: string }): Promise<void> {
  const p = labPaths(dir);
  const byName = new Map(lab.hosts.map((h) => [h.name, h]));
  const doc = {
    all: {
      vars: {
        ansible_user: lab.user,
        ansible_port: lab.port,
        ansible_ssh_private_key_file: keys.privateKey,
        ...(lab.user === 'root' ? {} : { ansible_become: true }),
        mds_known_hosts_file: keys.knownHosts,
        mds_os_cloud: LAB_CLOUD,
        mds_os_client_config_file: p.clouds,
      },
      children: {
        compute: {
          hosts: Object.fromEntries(hosts.map((h) => {
            const cfg = byName.get(h.name);
            return [h.name, {
              ansible_host: h.address,
              ...(h.port === lab.port ? {} : { ansible_port: h.port }),
              availability_zone: cfg?.availability_zone ?? 'nova',
              ...(cfg?.aggregate ? { aggregate: cfg.aggregate } : {}),
            }];
          })),
        },
      },
    },
  };
  const header = '# Written by `mds-orchestrate lab up`: the rehearsal lab\'s compute hosts and everything needed to reach them.\n';
  writeLabFileSync(p.inventory, header + stringify(doc), 0o600);
}

export async function writeClouds(dir: string, novaUrl: string): Promise<void> {
  const doc = {
    clouds: {
      [LAB_CLOUD]: {
        auth: {
          auth_url: `${novaUrl}/identity/v3`,
          username: LAB_USER,
          password: LAB_PASSWORD,
          project_name: 'admin',
          user_domain_name: 'Default',
          project_domain_name: 'Default',
        },
        region_name: 'RegionOne',
        interface: 'public',
        identity_api_version: 3,
      },
      // The same admin user through its application credential, as automation accounts log in.
      [`${LAB_CLOUD}-appcred`]: {
        auth_type: 'v3applicationcredential',
        auth: { auth_url: `${novaUrl}/identity/v3`, application_credential_id: LAB_APPCRED_ID, application_credential_secret: LAB_APPCRED_SECRET },
        region_name: 'RegionOne',
        identity_api_version: 3,
      },
      // A project member without the admin role: the preflight refuses it with Nova's policy message.
      [`${LAB_CLOUD}-member`]: {
        auth: { auth_url: `${novaUrl}/identity/v3`, username: 'member', password: 'member-password', project_name: 'demo',
          user_domain_name: 'Default', project_domain_name: 'Default' },
        region_name: 'RegionOne',
        identity_api_version: 3,
      },
    },
  };
  writeLabFileSync(labPaths(dir).clouds, `# The rehearsal lab's fake Keystone/Nova (loopback only).\n${stringify(doc)}`, 0o600);
  // The same admin login as an openrc (the OS_* environment, no clouds.yaml): `. .lab/openrc`.
  const openrc = [
    '# The rehearsal lab\'s admin login as OS_* variables (source it; loopback only).',
    `export OS_AUTH_URL=${novaUrl}/identity/v3`, `export OS_USERNAME=${LAB_USER}`, `export OS_PASSWORD=${LAB_PASSWORD}`,
    'export OS_PROJECT_NAME=admin', 'export OS_USER_DOMAIN_NAME=Default', 'export OS_PROJECT_DOMAIN_NAME=Default',
    'export OS_REGION_NAME=RegionOne', 'export OS_INTERFACE=public', 'export OS_IDENTITY_API_VERSION=3', '',
  ].join('\n');
  writeLabFileSync(join(dir, 'openrc'), openrc, 0o600);
}
