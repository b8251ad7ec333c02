import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.js';
import { cleanupTrees, writeTree } from './temp-files.js';

afterAll(cleanupTrees);

const YAML_INV = `all:
  vars:
    ansible_user: admin
    level: all-inv
  children:
    compute:
      hosts:
        compute[01:03]:
        compute04:2222:
          ansible_host: 10.0.0.4
      vars:
        level: compute-inv
      children:
        gpu:
          hosts:
            compute03: { ansible_become: yes, nova_host: c3.nova }
          vars: { level: gpu-inv }
    controllers:
      hosts:
        ctl1:
`;

describe('YAML inventory', () => {
  it('expands ranges, keeps order, reads connection vars and groups', async () => {
    const dir = writeTree({ 'hosts.yml': YAML_INV });
    const inv = await loadInventory([path.join(dir, 'hosts.yml')]);
    expect(inv.hosts().map((h) => h.name)).toEqual(['compute01', 'compute02', 'compute03', 'compute04', 'ctl1']);
    const c4 = inv.host('compute04')!;
    expect([c4.address, c4.port, c4.user, c4.become, c4.novaHost]).toEqual(['10.0.0.4', 2222, 'admin', false, 'compute04']);
    const c3 = inv.host('compute03')!;
    expect(c3.become).toBe(true);
    expect(c3.novaHost).toBe('c3.nova');
    expect(c3.groups).toEqual(['compute', 'gpu', 'all']);
    expect(c3.vars['level']).toBe('gpu-inv');
    expect(inv.host('compute01')!.vars['level']).toBe('compute-inv');
    expect(inv.host('ctl1')!.vars['level']).toBe('all-inv');
    expect(inv.groups.get('compute')!.hosts).toEqual(['compute01', 'compute02', 'compute03', 'compute04']);
    expect(inv.groups.get('gpu')!.depth).toBe(2);
  });

  it('defaults: port 22, user root, address = name, become false', async () => {
    const dir = writeTree({ 'inv.yaml': 'all:\n  hosts:\n    lone:\n' });
    const h = (await loadInventory([path.join(dir, 'inv.yaml')])).host('lone')!;
    expect([h.address, h.port, h.user, h.become, h.novaHost, h.privateKeyFile]).toEqual(['lone', 22, 'root', false, 'lone', undefined]);
    expect(h.groups).toEqual(['ungrouped', 'all']);
  });

  it('resolves a relative key file against the inventory directory and expands ~', async () => {
    const dir = writeTree({
      'inv/hosts.yml': 'all:\n  hosts:\n    a: { ansible_ssh_private_key_file: keys/id_ed25519 }\n    b: { ansible_private_key_file: ~/.ssh/lab }\n',
    });
    const inv = await loadInventory([path.join(dir, 'inv/hosts.yml')]);
    expect(inv.host('a')!.privateKeyFile).toBe(path.join(dir, 'inv/keys/id_ed25519'));
    expect(inv.host('b')!.privateKeyFile).toBe(path.join(os.homedir(), '.ssh/lab'));
  });

  it('accepts Ansible truthy strings for ansible_become and numeric-string ports', async () => {
    const dir = writeTree({ 'h.yml': 'all:\n  hosts:\n    a: { ansible_become: "On", ansible_port: "2200" }\n    b: { ansible_become: "no" }\n' });
    const inv = await loadInventory([path.join(dir, 'h.yml')]);
    expect(inv.host('a')!.become).toBe(true);
    expect(inv.host('a')!.port).toBe(2200);
    expect(inv.host('b')!.become).toBe(false);
  });
});

describe('variable precedence', () => {
  it('all < parent < child (inventory) < group_vars/all < group_vars/<group> < host (inventory) < host_vars', async () => {
    const dir = writeTree({
      'hosts.yml': `all:
  vars: { a: inv-all, b: inv-all, c: inv-all, d: inv-all, e: inv-all, f: inv-all, g: inv-all }
  children:
    parent:
      vars: { b: inv-parent, c: inv-parent }
      children:
        child:
          vars: { c: inv-child }
          hosts:
            h1: { f: inv-host, g: inv-host, h: inv-host }
`,
      'group_vars/all.yml': 'd: gv-all\ne: gv-all\n',
      'group_vars/parent.yml': 'e: gv-parent\nh: gv-parent\n',
      'host_vars/h1/10-first.yml': 'g: hv-first\n',
      'host_vars/h1/20-second.yaml': 'g: hv-second\n',
    });
    const v = (await loadInventory([path.join(dir, 'hosts.yml')])).host('h1')!.vars;
    expect(v).toMatchObject({ a: 'inv-all', b: 'inv-parent', c: 'inv-child', d: 'gv-all', e: 'gv-parent', f: 'inv-host', g: 'hv-second', h: 'inv-host' });
  });

  it('a deeper group_vars beats a shallower one; at equal depth the name decides, unless ansible_group_priority says otherwise', async () => {
    const dir = writeTree({
      'hosts.yml': 'all:\n  children:\n    alpha:\n      hosts: { h1: }\n    beta:\n      hosts: { h1: }\n    gamma:\n      vars: { ansible_group_priority: 10 }\n      hosts: { h2: }\n    delta:\n      hosts: { h2: }\n',
      'group_vars/alpha.yml': 'x: alpha\n',
      'group_vars/beta.yml': 'x: beta\n',
      'group_vars/gamma.yml': 'x: gamma\n',
      'group_vars/delta.yml': 'x: delta\n',
    });
    const inv = await loadInventory([path.join(dir, 'hosts.yml')]);
    expect(inv.host('h1')!.vars['x']).toBe('beta');
    expect(inv.host('h2')!.vars['x']).toBe('gamma');
  });

  it('a later -i source overrides an earlier one and hosts merge', async () => {
    const dir = writeTree({
      'a.yml': 'all:\n  hosts:\n    h1: { ansible_port: 2201, tag: first }\n',
      'b.ini': '[extra]\nh1 ansible_port=2202\nh2\n',
    });
    const inv = await loadInventory([path.join(dir, 'a.yml'), path.join(dir, 'b.ini')]);
    expect(inv.host('h1')!.port).toBe(2202);
    expect(inv.host('h1')!.vars['tag']).toBe('first');
    expect(inv.hosts().map((h) => h.name)).toEqual(['h1', 'h2']);
    expect(inv.host('h1')!.groups).toEqual(['extra', 'all']);
  });

  it('warns about group_vars that match no group', async () => {
    const dir = writeTree({ 'h.yml': 'all:\n  hosts: { h1: }\n', 'group_vars/computes.yml': 'x: 1\n' });
    const inv = await loadInventory([path.join(dir, 'h.yml')]);
    expect(inv.warnings).toHaveLength(1);
    expect(inv.warnings[0]).toMatch(/group_vars\/computes\.yml matches no group in the inventory$/);
  });
});

describe('INI inventory', () => {
  it('reads sections, :vars, :children, inline typed vars, ranges and the ungrouped hosts before any section', async () => {
    const dir = writeTree({
      hosts: `# fleet
bastion ansible_host=192.0.2.1

[compute]
compute[01:02] ansible_user=stack
compute03:2222 ansible_become=True note="rack 3"

[compute:vars]
nova_flag=8080 # http port

[az1:children]
compute

[az1:vars]
level=az1
`,
    });
    const inv = await loadInventory([path.join(dir, 'hosts')]);
    expect(inv.hosts().map((h) => h.name)).toEqual(['bastion', 'compute01', 'compute02', 'compute03']);
    expect(inv.host('bastion')!.groups).toEqual(['ungrouped', 'all']);
    expect(inv.host('bastion')!.address).toBe('192.0.2.1');
    const c3 = inv.host('compute03')!;
    expect([c3.port, c3.become, c3.user, c3.vars['note'], c3.vars['nova_flag'], c3.vars['level']]).toEqual([2222, true, 'root', 'rack 3', 8080, 'az1']);
    expect(inv.host('compute01')!.user).toBe('stack');
    expect(c3.groups).toEqual(['compute', 'az1', 'all']);
  });
});

describe('JSON inventory', () => {
  it('reads the dynamic-inventory shape with _meta.hostvars', async () => {
    const dir = writeTree({
      'dyn.json': JSON.stringify({
        compute: { hosts: ['c1', 'c2'], vars: { role: 'compute' }, children: ['gpu'] },
        gpu: ['c2'],
        _meta: { hostvars: { c1: { ansible_host: '10.0.0.1' }, c2: { nova_host: 'c2.nova' } } },
      }),
    });
    const inv = await loadInventory([path.join(dir, 'dyn.json')]);
    expect(inv.host('c1')!.address).toBe('10.0.0.1');
    expect(inv.host('c2')!.novaHost).toBe('c2.nova');
    expect(inv.host('c2')!.groups).toEqual(['compute', 'gpu', 'all']);
    expect(inv.host('c1')!.vars['role']).toBe('compute');
  });

  it('reads the same tree shape as YAML', async () => {
    const dir = writeTree({ 'inv.json': '{"all": {"children": {"web": {"hosts": {"w1": {"ansible_port": 2022}}}}}}' });
    expect((await loadInventory([path.join(dir, 'inv.json')])).host('w1')!.port).toBe(2022);
  });
});

describe('other sources', () => {
  it('a directory loads every inventory file in it plus its group_vars', async () => {
    const dir = writeTree({
      'inv/01-compute.yml': 'compute:\n  hosts: { c1: }\n',
      'inv/02-extra': '[compute]\nc2\n',
      'inv/README.md': 'not an inventory',
      'inv/group_vars/compute.yml': 'ansible_user: ops\n',
    });
    const inv = await loadInventory([path.join(dir, 'inv')]);
    expect(inv.hosts().map((h) => [h.name, h.user])).toEqual([
      ['c1', 'ops'],
      ['c2', 'ops'],
    ]);
  });

  it('a comma-separated host list works like ansible -i a,b,', async () => {
    const inv = await loadInventory(['c1,c2:2200,']);
    expect(inv.hosts().map((h) => [h.name, h.port])).toEqual([
      ['c1', 22],
      ['c2', 2200],
    ]);
  });
});

describe('YAML merge keys', () => {
  it('<< merges shared host vars in an inventory', async () => {
    const dir = writeTree({ 'h.yml': 'all:\n  hosts:\n    c1: &common { ansible_user: ops, ansible_port: 2200 }\n    c2:\n      <<: *common\n      ansible_port: 2201\n' });
    const inv = await loadInventory([path.join(dir, 'h.yml')]);
    expect(inv.hosts().map((h) => [h.name, h.user, h.port])).toEqual([
      ['c1', 'ops', 2200],
      ['c2', 'ops', 2201],
    ]);
  });
});
