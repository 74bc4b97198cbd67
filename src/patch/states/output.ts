// The step's output, written the way AWS's Linux patching payload logs to stdout
// (`%(asctime)s %(name)s [%(levelname)s]: %(message)s`, dates as `%m/%d/%Y %X`), with its messages
// where ssm-local does the same thing, and the patch summary it logs at the end.
import type { Clock } from '../../core/clock.js';
import type { StoredPatchState } from './state.js';

const pad = (n: number): string => String(n).padStart(2, '0');

function stamp(date: Date): string {
  const day = `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()}`;
  return `${day} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

export class PatchLog {
  private readonly out: string[] = [];
  private readonly err: string[] = [];

  constructor(private readonly clock: Clock) {}

  info(message: string): void {
    this.out.push(`${stamp(this.clock.now())} root [INFO]: ${message}`);
  }

  warning(message: string): void {
    this.out.push(`${stamp(this.clock.now())} root [WARNING]: ${message}`);
  }

  error(message: string): void {
    const line = `${stamp(this.clock.now())} root [ERROR]: ${message}`;
    this.out.push(line);
    this.err.push(message);
  }

  /** Text another program wrote (the package manager), as it wrote it. */
  raw(text: string): void {
    if (text.trim() !== '') this.out.push(text.replace(/\n$/, ''));
  }

  stdout(): string {
    return this.out.length > 0 ? `${this.out.join('\n')}\n` : '';
  }

  stderr(): string {
    return this.err.length > 0 ? `${this.err.join('\n')}\n` : '';
  }
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The AWS:PatchSummary content AWS's payload logs once the operation ends. */
export function summaryLines(state: StoredPatchState, nonCompliantSeverity?: string): string[] {
  const c = state.counts;
  const fields: Array<[string, string]> = [
    ['BaselineId', state.baselineId],
    ['PatchGroup', state.patchGroup],
    ['SnapshotId', state.snapshotId],
    ['InstalledCount', String(c.InstalledCount)],
    ['InstalledOtherCount', String(c.InstalledOtherCount)],
    ['InstalledRejectedCount', String(c.InstalledRejectedCount)],
    ['InstalledPendingRebootCount', String(c.InstalledPendingRebootCount)],
    ['NotApplicableCount', String(c.NotApplicableCount)],
    ['MissingCount', String(c.MissingCount)],
    ['FailedCount', String(c.FailedCount)],
    ['CriticalNonCompliantCount', String(c.CriticalNonCompliantCount)],
    ['SecurityNonCompliantCount', String(c.SecurityNonCompliantCount)],
    ['OtherNonCompliantCount', String(c.OtherNonCompliantCount)],
    ['OperationType', state.operation],
    ['OperationStartTime', iso(state.operationStartTime)],
    ['OperationEndTime', iso(state.operationEndTime)],
    ['RebootOption', state.rebootOption ?? ''],
  ];
  if (state.installOverrideList) fields.push(['InstallOverrideList', state.installOverrideList]);
  if (state.lastNoRebootInstallOperationTime) {
    fields.push(['LastNoRebootInstallOperationTime', iso(state.lastNoRebootInstallOperationTime)]);
  }
  if (nonCompliantSeverity) fields.push(['NonCompliantSeverity', nonCompliantSeverity]);
  const width = Math.max(...fields.map(([key]) => key.length));
  return ['Patch Summary', ...fields.map(([key, value]) => `${key.padEnd(width)} : ${value}`)];
}
