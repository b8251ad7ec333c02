// The typed vocabulary of what steps find and change: every Change kind and Finding kind, with its data.
import type { EvidenceKey } from '../facts/evidence.js';
import type { DurableKnob } from '../layout/durable-knob.js';
import type { LayoutName } from '../layout/names.js';
import type { Server } from '../openstack/types.js';
import type { RebootReason } from './reboot-reasons.js';

/** A package below the playbook's minimum, and what the repositories offer for it. */
export interface PackageShortfall {
  name: string;
  installed: string | null;
  minimum: string;
  available: string | null;
}

/** One check of the verify step, passing or not. */
export interface VerifyFinding {
  check: 'sysfs' | 'dmesg' | 'domcaps' | 'kernel' | 'packages' | 'nova-conf' | 'tsx_async_abort' | 'mmio_stale_data';
  /** status === 'ok'; kept for readers of the first report format. */
  ok: boolean;
  status: VerifyStatus;
  detail: string;
  /** Something the operator should know that does not change the verdict (the kernel log wrapped). */
  note?: string;
  /** For unknown findings: the evidence that could not be read. */
  evidence?: EvidenceKey[];
}

/** A verify check's verdict: unknown when its evidence could not be read (never ok). */
export type VerifyStatus = 'ok' | 'drift' | 'unknown';

/** A running guest whose CPU definition lacks md-clear until it is stopped and started. */
export interface GuestNeedingColdBoot {
  uuid: string;
  name: string;
  host: string;
  projectId: string | null;
}

interface ChangeOf<K extends string, D> {
  kind: K;
  /** One human line, no secrets. */
  summary: string;
  /** JSON-serialisable detail for reports and plans. */
  data: D;
}

/** One change a step would make (or found still missing); the kind says what the data holds. */
export type Change =
  | ChangeOf<'package-update', PackageShortfall>
  /** qemu/libvirt of a container image below the minimum, updated by the operator's image_update_command. */
  | ChangeOf<'image-update', { container: string; image: string | null; packages: PackageShortfall[] }>
  | ChangeOf<'nova-conf-edit', { path: string; diff: string }>
  | ChangeOf<'restart-service', { service: string }>
  | ChangeOf<'disable-service', { serviceId: string }>
  | ChangeOf<'enable-service', { serviceId: string }>
  | ChangeOf<'migrate-instance', { serverId: string; name: string; projectId: string | null; flavor: Server['flavor'] }>
  | ChangeOf<'await-migration', { serverId: string }>
  | ChangeOf<'reboot', { reasons: RebootReason[] }>
  | ChangeOf<'not-mitigated', VerifyFinding>
  | ChangeOf<'cold-boot', GuestNeedingColdBoot>;

export type ChangeKind = Change['kind'];
export type ChangeOfKind<K extends ChangeKind> = Extract<Change, { kind: K }>;

/** What a step observed besides its changes, typed so that code never has to search the notes' sentences. */
export type Finding =
  | { kind: 'checks'; checks: VerifyFinding[] }
  | { kind: 'guests-needing-cold-boot'; guests: GuestNeedingColdBoot[] }
  /** The repositories do not offer the minimum for these packages: apply must not start. */
  | { kind: 'packages-not-offered'; packages: PackageShortfall[] }
  /** A hand edit of nova.conf its deployment tool would revert: the knob that keeps it (cpu-flags, when it edits). */
  | { kind: 'durable-config'; layout: LayoutName; novaConf: string; knob: DurableKnob }
  /** The compute service's liveness from both sides; dead says why it is not alive (null when it is). */
  | { kind: 'compute-service'; host: string; status: 'enabled' | 'disabled'; state: 'up' | 'down'; forcedDown: boolean | null; agent: 'active' | 'inactive' | 'unknown'; dead: string | null };

export type FindingKind = Finding['kind'];
export type FindingOfKind<K extends FindingKind> = Extract<Finding, { kind: K }>;

/** The changes of one kind, typed. */
export function changesOf<K extends ChangeKind>(changes: readonly Change[], kind: K): ChangeOfKind<K>[] {
  return changes.filter((c): c is ChangeOfKind<K> => c.kind === kind);
}

/** The finding of one kind, typed, or undefined. */
export function findingOf<K extends FindingKind>(findings: readonly Finding[] | undefined, kind: K): FindingOfKind<K> | undefined {
  return findings?.find((f): f is FindingOfKind<K> => f.kind === kind);
}

/** Every change whose data carries an instance id: what a run moved (drift checks must not call that drift). */
export function instancesMoved(changes: readonly Change[]): string[] {
  return changes.flatMap((c) => (c.kind === 'migrate-instance' || c.kind === 'await-migration' ? [c.data.serverId] : []));
}

/** The change rebooted the host (a report can mark it without naming the step that makes it). */
export function isRebootChange(c: Change): boolean {
  return c.kind === 'reboot';
}
