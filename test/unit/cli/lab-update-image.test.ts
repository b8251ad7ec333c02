// lab update-image: naming a host with no image (bare metal) is a usage error (exit 4), caught before any host is touched.
import { describe, expect, it } from 'vitest';
import { imageUpdateTargets } from '../../../src/cli/commands/lab.js';
import { describeError, EXIT } from '../../../src/cli/exit-codes.js';
import { hostSpecsFromLabConfig } from '../../../src/lab/host/from-lab-config.js';
import { labConfig } from '../../../src/lab/lab-config.js';

const specs = hostSpecsFromLabConfig(labConfig.parse({ hosts: [{ name: 'metal', layout: 'baremetal' }, { name: 'kolla1', layout: 'kolla' }] }));

function failure(f: () => unknown): { message: string; code: number } {
  try {
    f();
  } catch (err) {
    return describeError(err);
  }
  throw new Error('expected a refusal');
}

describe('lab update-image targets', () => {
  it('refuses a bare-metal host with exit 4 and says why, even named after a host it could update', () => {
    const { message, code } = failure(() => imageUpdateTargets(['kolla1', 'metal'], specs, '/lab'));
    expect(code).toBe(EXIT.USAGE);
    expect(message).toMatch(/metal \(layout baremetal\) runs qemu and libvirt from host packages: there is no image to update/);
    expect(message).not.toContain('kolla1');
  });

  it('refuses an unknown host with exit 4, and passes hosts whose qemu is in an image', () => {
    expect(failure(() => imageUpdateTargets(['nope'], specs, '/lab'))).toEqual({ message: 'lab update-image: no host named nope in /lab', code: EXIT.USAGE });
    expect(imageUpdateTargets(['kolla1'], specs, '/lab').map((s) => s.name)).toEqual(['kolla1']);
  });
});
