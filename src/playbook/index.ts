// Public surface of playbook loading.
export { loadPlaybook, parsePlaybook } from './load-playbook.js';
export type { Playbook, PlaybookStep, StepSchemas } from './load-playbook.js';
export { FAILURE_DOMAINS, playbookSchema, serialSchema } from './schema.js';
export type { FailureDomain, PlaybookDocument } from './schema.js';
export { Interpolator } from './interpolate.js';
