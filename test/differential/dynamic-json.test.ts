// Deliberate difference dynamic-json-file: a JSON file in a dynamic inventory script's shape (OpenStack-Ansible's
// openstack_inventory.json) is read as the script's output is. ansible-inventory refuses the file itself (its yaml plugin wants
// the all/children/hosts tree), so the reference here is Ansible's script plugin fed the very same JSON by a one-line script.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../conformance/fixtures-dir.js';
import { ansibleInventory, compareInventories, ourInventory } from './inventory-compare.js';
import { ANSIBLE_ENV, needReferences, run } from './references.js';

const refs = needReferences('ansible');
const scratch = mkdtempSync(path.join(tmpdir(), 'mds-diff-dyn-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const OSA = path.join(REPO_ROOT, 'inventories', 'openstack-ansible', 'openstack_inventory.json');

describe.runIf(refs.run)('a dynamic inventory JSON file (dynamic-json-file)', () => {
  it('ansible-inventory refuses the file itself with its yaml plugin', () => {
    const r = run('ansible-inventory', ['-i', OSA, '--list'], { env: ANSIBLE_ENV, cwd: scratch });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/requires a dictionary|Skipping unexpected key \(hostvars\)/);
  });

  it('loads as Ansible loads the same JSON printed by a dynamic inventory script', async () => {
    const script = path.join(scratch, 'osa-inventory.sh');
    writeFileSync(script, `#!/bin/sh\nexec cat '${OSA}'\n`);
    chmodSync(script, 0o755);
    // ANSIBLE_ENV leaves the script plugin out on purpose (a fixture is never run); this script is ours and only prints.
    const theirs = ansibleInventory([script], scratch, { ...ANSIBLE_ENV, ANSIBLE_INVENTORY_ENABLED: 'script' });
    expect(theirs.ok, theirs.ok ? '' : theirs.error).toBe(true);
    const ours = await ourInventory([OSA]);
    expect(ours.ok).toBe(true);
    expect(ours.ok && Object.keys(ours.view.hostvars).length).toBeGreaterThan(2);
    expect(compareInventories('osa', ours, theirs)).toEqual([]);
  });
});
