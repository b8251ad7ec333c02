// Public surface of the fake Keystone + Nova used by the lab daemon and tests.
export { createFakeCloud } from './fake-cloud.js';
export type { FakeCloud } from './fake-cloud.js';
export { fakeCloudConfigSchema, resolveCloudConfig } from './config.js';
export type { FakeCloudConfig, FakeCloudHooks, ResolvedCloudConfig } from './config.js';
export type { FaultUpdate, FaultSnapshot, EndpointFault } from './faults.js';
export type { AuditRecord, AuditKind, GuestInfo, GuestState } from './model.js';
export type { RequestLogEntry } from './request-log.js';
export type { LabStateSnapshot } from './state-snapshot.js';
