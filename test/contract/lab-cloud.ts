// The lab's Nova, Keystone and Placement (src/lab/cloud) behind the same RealCloud interface as the real ones, so the contract
// suite can hold the lab to what it learned from the real Nova: run with MDS_CONTRACT_CLOUD=lab (vitest project contract-lab).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeCloud } from '../../src/lab/cloud/index.js';
import { cloudsYaml, COMPUTE_HOSTS, type Account, type RealCloud } from './real-cloud.js';

/** The Glance image every lab server boots from (the lab has no image service; Nova only checks the reference's shape). */
const LAB_IMAGE = '155d900f-4e14-4e4c-a73d-069cbf4541e6';

/** Seeds what real-cloud.ts seeds through Keystone's API: admin (admin in admin), demo (member in demo), three compute hosts. */
export async function startLabCloud(): Promise<RealCloud> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'mds-contract-lab-'));
  const secret = (): string => `pw-${Math.random().toString(36).slice(2, 12)}`;
  const admin: Account = { username: 'admin', password: secret(), project: 'admin' };
  const demo: Account = { username: 'demo', password: secret(), project: 'demo' };
  const cloud = createFakeCloud({
    hosts: COMPUTE_HOSTS.map((name) => ({ name })),
    users: [
      { name: admin.username, password: admin.password, projects: [admin.project], roles: ['admin'] },
      { name: demo.username, password: demo.password, projects: [demo.project], roles: ['member', 'reader'] },
    ],
    tenantProjects: [demo.project],
    flavors: [{ name: 'm1.tiny', id: '1', vcpus: 1, ramMb: 512, diskGb: 1 }],
    catalogInterfaces: ['public', 'internal'],
    migrationMs: 1_000,
  });
  const url = await cloud.listen(0, '127.0.0.1');
  const keystoneUrl = `${url}/identity`;
  const cloudsFile = join(dir, 'clouds.yaml');
  writeFileSync(cloudsFile, cloudsYaml(keystoneUrl, { admin, demo }), { mode: 0o600 });
  return {
    keystoneUrl, computeUrl: `${url}/compute/v2.1`, placementUrl: `${url}/placement`, image: LAB_IMAGE, admin, demo,
    cloudsYaml: cloudsFile, dir, startMs: Date.now() - started,
    async stop(): Promise<void> {
      await cloud.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
