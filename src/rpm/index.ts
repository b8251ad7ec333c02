// Public face of the rpm module: version comparison, EVR handling, the minimum-version rule, uname -r parsing.
export { rpmvercmp } from './rpmvercmp.js';
export { EvrError, compareEvr, formatEvr, newestOf, parseEvr } from './evr.js';
export type { Evr } from './evr.js';
export { satisfiesMinimum } from './minimum.js';
export { findRunningKernel, kernelPackageNames, parseUnameR } from './uname-r.js';
export type { KernelType, PageSize, UnameKernel } from './uname-r.js';
