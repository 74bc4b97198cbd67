// Status words for the pages after the first four: the statuses of associations, automation steps,
// sessions, compliance and patches that components.tsx's StatusBadge does not know. Same rule: the
// status is always said in words, the colour (the tone-* classes of styles.css) is a hint only.
import { StatusBadge } from './components.js';

const TONES: Record<string, 'good' | 'bad' | 'warn' | 'info' | 'muted'> = {
  // Automation
  Waiting: 'warn',
  PendingApproval: 'warn',
  Approved: 'good',
  Rejected: 'bad',
  Scheduled: 'info',
  RunbookInProgress: 'info',
  CompletedWithSuccess: 'good',
  CompletedWithFailure: 'bad',
  Exited: 'muted',
  // Sessions
  Connected: 'good',
  Connecting: 'info',
  Disconnected: 'warn',
  Terminating: 'warn',
  // Associations
  Associated: 'info',
  // Compliance
  COMPLIANT: 'good',
  NON_COMPLIANT: 'bad',
  CRITICAL: 'bad',
  HIGH: 'bad',
  MEDIUM: 'warn',
  LOW: 'info',
  INFORMATIONAL: 'muted',
  UNSPECIFIED: 'muted',
  // Patches (DescribeInstancePatches' State)
  INSTALLED: 'good',
  INSTALLED_OTHER: 'good',
  INSTALLED_PENDING_REBOOT: 'warn',
  INSTALLED_REJECTED: 'bad',
  MISSING: 'bad',
  FAILED: 'bad',
  NOT_APPLICABLE: 'muted',
  AVAILABLE_SECURITY_UPDATE: 'warn',
};

/** A status in words with a tone: the statuses above, else StatusBadge's own. */
export function Status({ status }: { status: string | undefined }) {
  const tone = status ? TONES[status] : undefined;
  if (!tone) return <StatusBadge status={status} />;
  return <span class={`badge tone-${tone}`}>{status}</span>;
}

/** The tone of a status, for things other than a badge (a step graph's node). */
export function toneOf(status: string | undefined): string {
  if (!status) return 'muted';
  if (TONES[status]) return TONES[status];
  if (['Success', 'Online', 'Active'].includes(status)) return 'good';
  if (['Failed', 'TimedOut', 'Cancelled', 'Terminated'].includes(status))
    return status === 'Cancelled' ? 'muted' : 'bad';
  if (['Pending', 'InProgress', 'Delayed'].includes(status)) return 'info';
  if (['Cancelling'].includes(status)) return 'warn';
  return 'muted';
}
