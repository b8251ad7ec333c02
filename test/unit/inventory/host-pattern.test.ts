import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, orderPatterns, splitHostPattern } from '../../../src/inventory/index.js';
import type { Inventory } from '../../../src/inventory/index.js';
import { catchConfigErrors, cleanupTrees, writeTree } from './temp-files.js';

let inv: Inventory;
let dir: string;

beforeAll(async () => {
  dir = writeTree({
    'hosts.yml': `all:
  children:
    compute:
      hosts:
        compute[01:06]:
      children:
        gpu:
          hosts: { gpu01:, gpu02: }
    az1:
      hosts: { compute01:, compute02:, compute03:, gpu01: }
    maintenance:
      hosts: { compute02: }
    empty:
    controllers:
      hosts: { ctl1:, ctl2: }
`,
    'limit.txt': 'gpu\n\nctl1\n',
  });
  inv = await loadInventory([path.join(dir, 'hosts.yml')]);
});
afterAll(cleanupTrees);

const names = (pattern: string | string[]): string[] => inv.select(pattern, { cwd: dir }).map((h) => h.name);

describe('splitting and ordering', () => {
  it('splits on commas when present, else on colons outside brackets', () => {
    expect(splitHostPattern('a:b:&c:!d')).toEqual(['a', 'b', '&c', '!d']);
    expect(splitHostPattern('a, b ,!c')).toEqual(['a', 'b', '!c']);
    expect(splitHostPattern('web[0:2]:db')).toEqual(['web[0:2]', 'db']);
    expect(splitHostPattern('fe80::1')).toEqual(['fe80::1']);
  });

  it('puts unions first, then intersections, then exclusions; no union means all', () => {
    expect(orderPatterns(['!x', '&y', 'a', 'b'])).toEqual(['a', 'b', '&y', '!x']);
    expect(orderPatterns(['!x'])).toEqual(['all', '!x']);
  });
});

describe('selection', () => {
  it('all and * select every host in inventory order', () => {
    const every = inv.hosts().map((h) => h.name);
    expect(names('all')).toEqual(every);
    expect(names('*')).toEqual(every);
    expect(every).toHaveLength(10);
  });

  it('a group includes its children; union keeps first-seen order without duplicates', () => {
    expect(names('gpu:controllers')).toEqual(['gpu01', 'gpu02', 'ctl1', 'ctl2']);
    expect(names('controllers,compute01,ctl1')).toEqual(['ctl1', 'ctl2', 'compute01']);
    expect(names('compute')).toContain('gpu02');
  });

  it('intersection and exclusion, in Ansible order regardless of where they are written', () => {
    expect(names('compute:&az1')).toEqual(['compute01', 'compute02', 'compute03', 'gpu01']);
    expect(names('!maintenance:compute:&az1')).toEqual(['compute01', 'compute03', 'gpu01']);
    expect(names('all:!compute')).toEqual(['ctl1', 'ctl2']);
    expect(names('!compute')).toEqual(['ctl1', 'ctl2']);
  });

  it('excluding an empty (but existing) group is fine', () => {
    expect(names('controllers:!empty')).toEqual(['ctl1', 'ctl2']);
  });

  it('globs match groups and hosts', () => {
    expect(names('ctl*')).toEqual(['ctl1', 'ctl2']);
    expect(names('gpu0[!1]')).toEqual(['gpu02']);
    expect(names('gpu0?')).toEqual(['gpu01', 'gpu02']);
  });

  it('~regex matches from the start of the name', () => {
    expect(names('~(ctl|gpu)0?2')).toEqual(['gpu02', 'ctl2']);
    expect(names('~c.*1$')).toEqual(['compute01', 'ctl1']);
  });

  it('subscripts: [0], [-1], [1:3], [4:]', () => {
    expect(names('controllers[0]')).toEqual(['ctl1']);
    expect(names('az1[-1]')).toEqual(['gpu01']);
    expect(names('az1[1:2]')).toEqual(['compute02', 'compute03']);
    expect(names('compute[6:]')).toEqual(['gpu01', 'gpu02']);
  });

  it('@file reads one pattern per line', () => {
    expect(names('@limit.txt')).toEqual(['gpu01', 'gpu02', 'ctl1']);
  });

  it('a list of patterns is a union', () => {
    expect(names(['ctl1', 'gpu02'])).toEqual(['ctl1', 'gpu02']);
  });

  it('--limit narrows the pattern and keeps its order', () => {
    expect(inv.select('compute', { limit: 'az1:!gpu' }).map((h) => h.name)).toEqual(['compute01', 'compute02', 'compute03']);
  });
});

describe('errors name the pattern', () => {
  it('a term matching no host or group', async () => {
    const errors = await catchConfigErrors(() => inv.select('compute:cmopute', { location: { file: 'pb.yaml', line: 2, column: 8 }, field: 'hosts' }));
    expect(errors[0]!.message).toBe('pb.yaml:2:8: hosts: host pattern "cmopute" matches no host and no group in the inventory');
  });

  it('an empty final selection', async () => {
    const errors = await catchConfigErrors(() => inv.select('gpu:&controllers'));
    expect(errors[0]!.message).toContain('host pattern "gpu:&controllers" selects no hosts');
  });

  it('a subscript out of range', async () => {
    const errors = await catchConfigErrors(() => inv.select('controllers[5]'));
    expect(errors[0]!.message).toMatch(/index 5 is out of range \(controllers has 2 hosts\)/);
  });

  it('a regex that matches only in the middle of names matches nothing (anchored at the start)', async () => {
    expect((await catchConfigErrors(() => inv.select('~tl')))[0]!.message).toContain('host pattern "~tl" matches no host');
  });

  it('a bad regex and a missing @file', async () => {
    expect((await catchConfigErrors(() => inv.select('~web(')))[0]!.message).toContain('invalid regular expression');
    expect((await catchConfigErrors(() => inv.select('@nope.txt', { cwd: dir })))[0]!.message).toContain('cannot read limit file');
  });

  it('a limit that leaves nothing', async () => {
    const errors = await catchConfigErrors(() => inv.select('controllers', { limit: 'gpu' }));
    expect(errors[0]!.message).toContain('--limit "gpu" leaves none of the hosts selected by "controllers"');
  });
});
