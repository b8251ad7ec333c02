// Public face of the Debian module: dpkg's version comparison, the minimum rule, and kernel release naming.
export { verrevcmp } from './verrevcmp.js';
export { DebVersionError, compareDebVersionStrings, compareDebVersions, debSatisfiesMinimum, newestDeb, parseDebVersion } from './version.js';
export { imagePackageRelease, parseDebUnameR } from './kernel.js';
export type { DebKernelRelease } from './kernel.js';
