// Plain scalars in YAML 1.1 resolve as PyYAML (Ansible's loader) resolves them; the differential suite checks the same against
// ansible-inventory live (test/differential/cases/inventories/yaml-1.1-scalars).
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { PYYAML_REPLACEMENTS, pyyamlScalarTags } from '../../../src/util/pyyaml-scalars.js';
import { parseYaml } from '../../../src/util/yaml-positions.js';

const value = (text: string): unknown => (parseYaml(`v: ${text}\n`, 'x.yml', { version: '1.1' }).parsed.doc.toJS() as { v: unknown }).v;

describe('PyYAML scalar resolution', () => {
  it('replaces every test it knows in the yaml package 1.1 schema (a yaml upgrade that changes one fails here)', () => {
    const used = new Set<string>();
    parseDocument('a: 1', { version: '1.1', customTags: (tags) => {
      for (const t of tags) if (typeof t !== 'string' && 'test' in t && t.test && PYYAML_REPLACEMENTS.has(t.test.source)) used.add(t.test.source);
      return pyyamlScalarTags(tags);
    } });
    expect([...used].sort()).toEqual([...PYYAML_REPLACEMENTS.keys()].sort());
  });

  // Each answer is what python3 -c 'import yaml; yaml.safe_load("v: ...")' gives (PyYAML 6, Debian bookworm).
  it.each([
    ['e01', 'e01'], ['E5', 'E5'], ['1e5', '1e5'], ['1.5e3', '1.5e3'], ['1.5e+3', 1500], ['.5', 0.5], ['-.5', '-.5'], ['3.', 3],
    ['08', '08'], ['017', 15], ['0b101', 5], ['0x_1F', 31], ['1_000', 1000], ['0', 0], ['-12', -12],
    ['1:30', 90], ['0:30', '0:30'], ['1:30.5', 90.5], ['y', 'y'], ['N', 'N'], ['yes', true], ['ON', true], ['off', false],
    ['.', '.'], ['-.inf', -Infinity], ['~', null], ['2019-5-14', '2019-5-14'],
  ])('%s -> %j', (text, expected) => {
    expect(value(text)).toEqual(expected);
  });

  it('YAML 1.2 documents (JSON inventories) are untouched', () => {
    expect((parseYaml('{"v": 1e5}', 'x.json', { version: '1.2' }).parsed.doc.toJS() as { v: unknown }).v).toBe(100000);
  });
});
