// The README's list of deliberate differences and the suite's are the same list (no reference program needed).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../conformance/fixtures-dir.js';
import { DELIBERATE } from './deliberate.js';

describe('deliberate differences', () => {
  it('lists in the README exactly the ids the differential suite tolerates', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**Deliberate differences.**'), readme.indexOf('## Tests'));
    const listed = [...section.matchAll(/^- `([a-z0-9-]+)`:/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(DELIBERATE).sort());
  });
});
