import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.js';
import { catchConfigErrors, cleanupTrees, expectErrorAt, writeTree } from './temp-files.js';

afterAll(cleanupTrees);

/** Loads `files[entry]` (plus its neighbours) and returns the ConfigErrors it raised. */
async function bad(files: Record<string, string>, entry = Object.keys(files)[0]!): Promise<{ errors: Awaited<ReturnType<typeof catchConfigErrors>>; file: string; dir: string }> {
  const dir = writeTree(files);
  const file = path.join(dir, entry);
  return { errors: await catchConfigErrors(() => loadInventory([file])), file, dir };
}

describe('bad inventories are rejected before any connection, with file, line and field', () => {
  it('1. YAML syntax error', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  hosts:\n    web1: {ansible_port: 22\n' });
    expect(errors[0]!.location.file).toBe(file);
    expect(errors[0]!.message).toMatch(/invalid YAML/);
    expect(errors[0]!.location.line).toBeGreaterThanOrEqual(3);
  });

  it('2. duplicate key in a mapping', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  hosts:\n    web1:\n    web2:\n    web1:\n' });
    expect(errors).toHaveLength(1);
    expectErrorAt(errors, { file, line: 5, column: 5, field: "all.hosts.web1", text: "first written on line 3" });
    expect(errors[0]!.message).toContain('duplicate key "web1"');
  });

  it('3. unknown key in a group (only hosts, children, vars)', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  children:\n    web:\n      host:\n        web1:\n' });
    expectErrorAt(errors, { file, line: 4, column: 7, field: 'all.children.web.host', text: 'expected one of: hosts, children, vars' });
  });

  it('4. cycle in children, naming the chain', async () => {
    const { errors, file } = await bad({ 'h.yml': 'a:\n  hosts: { h1: }\n  children:\n    b:\n      children:\n        c:\n          children:\n            a:\n' });
    expectErrorAt(errors, { file, line: 8, field: 'c.children.a', text: 'cycle in group children: a -> b -> c -> a' });
  });

  it('5. range whose begin is after its end', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  hosts:\n    ok1:\n    compute[40:01]:\n' });
    expectErrorAt(errors, { file, line: 4, column: 5, field: 'all.hosts["compute[40:01]"]', text: 'greater than end' });
  });

  it('6. zero-padded range with a different end width', async () => {
    const { errors, file } = await bad({ 'hosts.ini': '[compute]\nc[01:100]\n' });
    expectErrorAt(errors, { file, line: 2, column: 1, field: '[compute] c[01:100]', text: 'same width' });
  });

  it('7. range mixing letters and numbers, and a zero step', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  hosts:\n    r[a:5]:\n    n[0:10:0]:\n' });
    expectErrorAt(errors, { file, line: 3, field: 'all.hosts["r[a:5]"]', text: 'both numbers or both single letters' });
    expectErrorAt(errors, { file, line: 4, field: 'all.hosts["n[0:10:0]"]', text: 'step must be a positive whole number' });
  });

  it('8. port out of range, pointing at where the value was written', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  hosts:\n    web1:\n      ansible_port: 70000\n' });
    expectErrorAt(errors, { file, line: 4, column: 21, field: 'ansible_port', text: 'host web1: expected a port number (whole number 1..65535), got 70000' });
  });

  it('9. port that is not a number, set in group_vars', async () => {
    const { errors, dir } = await bad({ 'h.yml': 'web:\n  hosts: { web1: }\n', 'group_vars/web.yml': '# ssh\nansible_port: ssh\n' }, 'h.yml');
    expectErrorAt(errors, { file: path.join(dir, 'group_vars/web.yml'), line: 2, field: 'ansible_port', text: 'got "ssh"' });
  });

  it('10. ansible_become that is not a boolean (INI inline)', async () => {
    const { errors, file } = await bad({ 'hosts.ini': '[web]\nweb1 ansible_become=maybe\n' });
    expectErrorAt(errors, { file, line: 2, column: 6, field: 'ansible_become', text: 'expected a boolean' });
  });

  it('11. empty inventory', async () => {
    const { errors, file } = await bad({ 'h.yml': '# nothing yet\nall:\n  children:\n    compute:\n' });
    expectErrorAt(errors, { file, line: 1, field: 'hosts', text: 'defines no hosts' });
  });

  it('12. vars that are not a mapping', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  hosts: { h1: }\n  vars:\n    - a\n    - b\n' });
    expectErrorAt(errors, { file, line: 4, field: 'all.vars', text: 'expected a mapping of variables' });
  });

  it('13. hosts written as a list in YAML', async () => {
    const { errors, file } = await bad({ 'h.yml': 'web:\n  hosts:\n    - web1\n    - web2\n' });
    expectErrorAt(errors, { file, line: 3, field: 'web.hosts', text: 'expected a mapping of host names' });
  });

  it('14. INI host line with a word that is not key=value', async () => {
    const { errors, file } = await bad({ 'hosts.ini': '[web]\nweb1 ansible_port 22\n' });
    expectErrorAt(errors, { file, line: 2, column: 6, field: '[web] web1', text: 'expected key=value host variable, got "ansible_port"' });
  });

  it('15. INI section of unknown type', async () => {
    const { errors, file } = await bad({ 'hosts.ini': '[web]\nweb1\n\n[web:var]\nx=1\n' });
    expectErrorAt(errors, { file, line: 4, field: '[web:var]', text: 'unknown section type "var"' });
  });

  it('16. INI [group:vars] for a group never declared, and :children naming an undefined group', async () => {
    const { errors, file } = await bad({ 'hosts.ini': '[web]\nweb1\n[db:vars]\nx=1\n[all2:children]\nweb\nmissing\n' });
    expectErrorAt(errors, { file, line: 3, field: '[db:vars]', text: 'undefined group "db"' });
    expectErrorAt(errors, { file, line: 7, field: '[all2:children]', text: 'undefined group "missing"' });
  });

  it('17. INI host with a trailing colon and no port', async () => {
    const { errors, file } = await bad({ 'hosts.ini': '[web]\nweb1:\n' });
    expectErrorAt(errors, { file, line: 2, field: '[web] web1:', text: 'must be followed by a port' });
  });

  it('18. a malformed group_vars file', async () => {
    const { errors, dir } = await bad({ 'h.yml': 'all:\n  hosts: { h1: }\n', 'group_vars/all.yml': 'a: 1\nb: [1, 2\n' }, 'h.yml');
    expect(errors[0]!.location.file).toBe(path.join(dir, 'group_vars/all.yml'));
    expect(errors[0]!.message).toMatch(/invalid YAML/);
  });

  it('19. host_vars file that is a list, not a mapping', async () => {
    const { errors, dir } = await bad({ 'h.yml': 'all:\n  hosts: { h1: }\n', 'host_vars/h1.yml': '- a\n- b\n' }, 'h.yml');
    expectErrorAt(errors, { file: path.join(dir, 'host_vars/h1.yml'), line: 1, field: '(variables)', text: 'expected a mapping of variables' });
  });

  it('20. user, nova_host and key file of the wrong type', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  hosts:\n    h1:\n      ansible_user: [root]\n      nova_host: ""\n      ansible_ssh_private_key_file: 12\n' });
    expectErrorAt(errors, { file, line: 4, field: 'ansible_user', text: 'expected a user name' });
    expectErrorAt(errors, { file, line: 5, field: 'nova_host', text: "Nova's compute host name" });
    expectErrorAt(errors, { file, line: 6, field: 'ansible_ssh_private_key_file', text: 'path to a private key file' });
  });

  it('21. a group name that host patterns could not address', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  children:\n    "web servers":\n      hosts: { w1: }\n' });
    expectErrorAt(errors, { file, line: 3, field: 'all.children["web servers"]', text: 'bad group name' });
  });

  it('22. a source that does not exist', async () => {
    const errors = await catchConfigErrors(() => loadInventory(['/nonexistent/inventory.yml']));
    expect(errors[0]!.location.file).toBe('/nonexistent/inventory.yml');
    expect(errors[0]!.message).toContain('inventory source not found');
  });

  it('collects several problems in one pass', async () => {
    const { errors, file } = await bad({ 'h.yml': 'all:\n  hosts:\n    a[3:1]:\n  childs: {}\n  vars: 5\n' });
    expect(errors.map((e) => e.location.line)).toEqual([3, 4, 5]);
    expect(errors.every((e) => e.location.file === file)).toBe(true);
  });
});
