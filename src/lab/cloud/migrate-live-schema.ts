// The os-migrateLive body schema per microversion range (2.1-2.24, 2.25-2.29, 2.30-2.67, 2.68+), as Nova validates it.
import { badRequest } from './api-error.js';
import { isObject } from './http-io.js';
import type { Mv } from './microversion.js';

export interface MigrateLiveArgs {
  host: string | null;
  blockMigration: boolean | 'auto';
  /** True when the scheduler is bypassed: a named host before 2.30, or force=true in 2.30-2.67. */
  forced: boolean;
}

interface Shape {
  required: string[];
  allowed: string[];
  autoAllowed: boolean;
}

function shapeFor(mv: Mv): Shape {
  if (mv < 25) return { required: ['block_migration', 'disk_over_commit', 'host'], allowed: ['block_migration', 'disk_over_commit', 'host'], autoAllowed: false };
  if (mv >= 30 && mv < 68) return { required: ['block_migration', 'host'], allowed: ['block_migration', 'host', 'force'], autoAllowed: true };
  return { required: ['block_migration', 'host'], allowed: ['block_migration', 'host'], autoAllowed: true };
}

function invalid(value: unknown, why: string): Error {
  return badRequest(`Invalid input for field/attribute os-migrateLive. Value: ${JSON.stringify(value)}. ${why}`);
}

export function parseMigrateLive(value: unknown, mv: Mv): MigrateLiveArgs {
  if (!isObject(value)) throw invalid(value, `${JSON.stringify(value)} is not of type 'object'`);
  const shape = shapeFor(mv);
  const extra = Object.keys(value).filter((k) => !shape.allowed.includes(k));
  if (extra.length > 0) {
    throw invalid(value, `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
  }
  for (const key of shape.required) if (!(key in value)) throw invalid(value, `'${key}' is a required property`);
  const { host, block_migration: block, disk_over_commit: doc, force } = value;
  if (host !== null && (typeof host !== 'string' || host.length < 1 || host.length > 255)) {
    throw invalid(value, `${JSON.stringify(host)} is not of type 'string', 'null'`);
  }
  if (typeof block !== 'boolean' && !(shape.autoAllowed && block === 'auto')) {
    throw invalid(value, `${JSON.stringify(block)} is not valid under any of the given schemas`);
  }
  if (doc !== undefined && typeof doc !== 'boolean') throw invalid(value, `${JSON.stringify(doc)} is not of type 'boolean'`);
  if (force !== undefined && typeof force !== 'boolean') throw invalid(value, `${JSON.stringify(force)} is not of type 'boolean'`);
  const forced = host !== null && (mv < 30 || force === true);
  return { host, blockMigration: block, forced };
}
