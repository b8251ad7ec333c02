// The tool's layout names and the lab's are the same list: the tool may not import the lab, so a test keeps them equal.
import { describe, expect, it } from 'vitest';
import { LAYOUT_NAMES } from '../../../src/layout/names.js';
import { LAB_LAYOUTS } from '../../../src/lab/host/deployment-layouts.js';

describe('layout names', () => {
  it('are the lab layouts, in the same order', () => {
    expect([...LAYOUT_NAMES]).toEqual([...LAB_LAYOUTS]);
  });
});
