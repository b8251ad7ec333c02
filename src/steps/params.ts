// Shared zod pieces for step params: durations and per-release minimum versions.
import { z } from 'zod';
import { debMinimumIssues } from './deb-minimums.js';

// Moved to src/util so the lab's description (which must not import steps) parses durations the same way.
export { duration, parseDurationMs } from '../util/duration.js';

const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const VERSION = /^(\d+:)?[A-Za-z0-9][A-Za-z0-9._+~^-]*$/;

export const packageName = z.string().regex(PACKAGE_NAME, 'expected an rpm package name (letters, digits, . _ + -)');

/** Release key (el7, el8, ubuntu1804, debian10, ...) → package → minimum [epoch:]version-release. */
export const minimums = z
  .record(
    z.string().regex(/^[a-z]+\d+$/, 'expected a release key such as el7, el8 or ubuntu1804'),
    z.record(packageName, z.string().regex(VERSION, 'expected a version such as 2.1-47.2.el7_6 or 2:2.1-47.2.el7_6')),
  )
  .superRefine((mins, ctx) => debMinimumIssues(mins, ctx));

export type Minimums = z.infer<typeof minimums>;
