// The version printed by --version and stamped into reports, read from package.json once.
import { PACKAGE_VERSION } from './package-root.js';

export const VERSION: string = PACKAGE_VERSION;
