// Unit tests: the inventory rules ansible-core 2.14 follows and this tool once did not (issue 14); the differential
// suite checks the same cases against ansible itself.
import { userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.js';
import { cleanupTrees, writeTree } from './temp-files.js';

afterAll(cleanupTrees);

describe('host_vars / group_vars named after an FQDN', () => {
  it('reads db-1.example.com as the whole name, with or without an extension, and as a directory', async () => {
    const dir = writeTree({
      'inv.ini': '[db]\ndb-1.example.com\ndb-2.example.com\ndb-3.example.com\n[web.example]\nw1\n',
      'host_vars/db-1.example.com': 'plain: 1\n',
      'host_vars/db-2.example.com.yml': 'ext: 2\n',
      'host_vars/db-3.example.com/main.yml': 'dir: 3\n',
      'host_vars/db-3.example.com/skipped.txt': 'no: 1\n',
      'group_vars/web.example.yaml': 'g: web\n',
    });
    const inv = await loadInventory([path.join(dir, 'inv.ini')]);
    expect(inv.host('db-1.example.com')?.vars['plain']).toBe(1);
    expect(inv.host('db-2.example.com')?.vars['ext']).toBe(2);
    expect(inv.host('db-3.example.com')?.vars['dir']).toBe(3);
    expect(inv.host('db-3.example.com')?.vars['no']).toBeUndefined();
    expect(inv.host('w1')?.vars['g']).toBe('web');
  });

  it('reads only the first of NAME, NAME.yml, NAME.yaml, NAME.json, as Ansible does', async () => {
    const dir = writeTree({
      'inv.yml': 'all:\n  hosts: { h1: }\n',
      'host_vars/h1': 'a: bare\n',
      'host_vars/h1.yml': 'a: yml\nb: yml\n',
    });
    const inv = await loadInventory([path.join(dir, 'inv.yml')]);
    expect(inv.host('h1')?.vars['a']).toBe('bare');
    expect(inv.host('h1')?.vars['b']).toBeUndefined();
  });
});

describe('layered -i sources (kayobe)', () => {
  it('lets a later INI source extend, fill and set vars on groups an earlier one declared', async () => {
    const dir = writeTree({
      'groups': '[controllers]\n[compute]\n[overcloud:children]\ncontrollers\ncompute\n',
      'hosts': '[compute]\ncpt-1\n[controllers]\nctl-1\n[compute:vars]\nrole=hv\n[baremetal:children]\ncompute\n[baremetal]\n',
      'group_vars/compute': 'from_dir: 1\n',
    });
    const inv = await loadInventory([path.join(dir, 'groups'), path.join(dir, 'hosts')]);
    expect(inv.groupHosts('overcloud')).toEqual(['ctl-1', 'cpt-1']);
    expect(inv.host('cpt-1')?.vars).toMatchObject({ role: 'hv', from_dir: 1 });
    expect(inv.host('cpt-1')?.groups).toContain('baremetal');
  });
});

describe('YAML shapes Ansible accepts', () => {
  it('takes `hosts: name`, `children: name` and `vars: name` as one-entry mappings', async () => {
    const dir = writeTree({ 'inv.yml': 'all:\n  children:\n    db:\n      hosts: db-1\n      vars: flag\n    everything:\n      children: db\n' });
    const inv = await loadInventory([path.join(dir, 'inv.yml')]);
    expect(inv.groupHosts('db')).toEqual(['db-1']);
    expect(inv.groupHosts('everything')).toEqual(['db-1']);
    expect(inv.host('db-1')?.vars).toHaveProperty('flag', null);
  });
});

describe('host patterns: a host and a group of the same name', () => {
  it('selects only the host for the plain name, as Ansible does, and the group through :& and :!', async () => {
    const dir = writeTree({ 'inv.ini': '[compute]\ncompute\ncompute-1\ncompute-2\n[other]\ncompute-2\n' });
    const inv = await loadInventory([path.join(dir, 'inv.ini')]);
    expect(inv.select('compute').map((h) => h.name)).toEqual(['compute']);
    expect(inv.select('all:&compute').map((h) => h.name)).toEqual(['compute', 'compute-1', 'compute-2']);
    expect(inv.select('all:!other').map((h) => h.name)).toEqual(['compute', 'compute-1']);
    expect(() => inv.select('compute:!compute')).toThrow(/selects no hosts/); // ansible: 0 hosts and a warning
  });
});

describe('INI values typed as Ansible types them', () => {
  it('single-quoted dicts and lists, True/False, numbers', async () => {
    const dir = writeTree({ 'inv.ini': "[g]\nh1 d=\"{'k': 'v', 'n': [1, 2]}\" l=\"['a', 'b']\" t=True n=42 f=1.5 s='007'\n[g:vars]\ngd={'x': True}\n" });
    const inv = await loadInventory([path.join(dir, 'inv.ini')]);
    expect(inv.host('h1')?.vars).toMatchObject({ d: { k: 'v', n: [1, 2] }, l: ['a', 'b'], t: true, n: 42, f: 1.5, s: '007', gd: { x: true } });
  });
});

describe('the login user', () => {
  it('is the local user when neither the inventory nor ssh_config names one, as with ssh and Ansible', async () => {
    const dir = writeTree({ 'inv.ini': '[g]\nh1\nh2 ansible_user=ops\n' });
    const inv = await loadInventory([path.join(dir, 'inv.ini')]);
    expect(inv.host('h1')?.user).toBe(userInfo().username);
    expect(inv.host('h2')?.user).toBe('ops');
  });
});

describe('values and names Ansible reads its own way', () => {
  it('keeps !vault values opaque, as ansible-inventory shows them, and refuses one as a connection variable', async () => {
    const vault = '!vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          3131\n';
    const dir = writeTree({ 'inv.yml': `all:\n  hosts:\n    h1:\n      secret: ${vault}      nested: { a: [1, ${'!vault "$ANSIBLE_VAULT;1.1;AES256\\n32"'}] }\n` });
    const inv = await loadInventory([path.join(dir, 'inv.yml')]);
    expect(inv.host('h1')?.vars['secret']).toEqual({ __ansible_vault: '$ANSIBLE_VAULT;1.1;AES256\n3131\n' });
    expect(inv.host('h1')?.vars['nested']).toEqual({ a: [1, { __ansible_vault: '$ANSIBLE_VAULT;1.1;AES256\n32' }] });
    const bad = writeTree({ 'inv.yml': `all:\n  hosts:\n    h1:\n      ansible_user: ${vault}` });
    await expect(loadInventory([path.join(bad, 'inv.yml')])).rejects.toThrow(/ansible_user: host h1: expected a user name/);
  });

  it('refuses integer host names (Ansible: "Host pattern 1234 must be a string")', async () => {
    const dir = writeTree({ 'inv.yml': 'all:\n  hosts:\n    1234:\n    "5678":\n' });
    await expect(loadInventory([path.join(dir, 'inv.yml')])).rejects.toThrow(/inv\.yml:3:5: all\.hosts\["1234"\]: host name 1234 must be a string/);
  });
});
