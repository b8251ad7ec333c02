// Playbook check: a minimum under a Debian-family release key must be a version dpkg accepts without a warning.
import type { z } from 'zod';
import { DebVersionError, parseDebVersion } from '../deb/index.js';

/** Release keys whose hosts compare with dpkg (see facts/os-release.ts distKey). */
export const DEB_RELEASE_KEY = /^(ubuntu|debian)\d+$/;

/** Adds an issue naming the release and package for every minimum dpkg would flag, so a bad playbook exits 4 before any host. */
export function debMinimumIssues(mins: Record<string, Record<string, string>>, ctx: z.RefinementCtx): void {
  for (const [dist, pkgs] of Object.entries(mins)) {
    if (!DEB_RELEASE_KEY.test(dist)) continue;
    for (const [name, version] of Object.entries(pkgs)) {
      try {
        parseDebVersion(version);
      } catch (err) {
        if (!(err instanceof DebVersionError)) throw err;
        ctx.addIssue({ code: 'custom', path: [dist, name], message: err.message });
      }
    }
  }
}
