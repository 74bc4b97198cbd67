// Parameter policies (advanced tier only): a JSON array of at most 10 policies, each
// {"Type", "Version": "1.0", "Attributes"}:
//   Expiration              Attributes.Timestamp, ISO_INSTANT or ISO_OFFSET_DATE_TIME, in the future
//   ExpirationNotification  Attributes.Before (a positive whole number) and Unit (Days or Hours)
//   NoChangeNotification    Attributes.After (a positive whole number) and Unit (Days or Hours)
// "[{}]" removes every policy. Only Expiration has an effect here (the parameter is deleted when it is
// due); the notification policies are kept and shown, but no event is sent, as there is no EventBridge.
import type { ParameterInlinePolicy } from '@aws-sdk/client-ssm';
import { parameterErrors } from './errors.js';
import type { StoredPolicy } from './state.js';

const MAX_POLICIES = 10;
const TYPES = ['Expiration', 'ExpirationNotification', 'NoChangeNotification'] as const;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)$/;

export interface ParsedPolicies {
  policies: StoredPolicy[];
  /** Epoch ms of the Expiration policy, if there is one. */
  expiresAt?: number;
}

/** ISO_INSTANT (2018-12-02T21:34:33.000Z) or ISO_OFFSET_DATE_TIME (2019-11-01T22:13:48.87+10:30:00). */
export function parsePolicyTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as number[];
  const second = Number(m[6] ?? 0);
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59 || second > 59) {
    return undefined;
  }
  let at = Date.UTC(year!, month! - 1, day!, hour, minute, second, millis);
  if (new Date(at).getUTCDate() !== day) return undefined;
  if (m[8] !== 'Z') {
    const sign = m[9] === '-' ? -1 : 1;
    const offset = (Number(m[10]) * 3600 + Number(m[11]) * 60 + Number(m[12] ?? 0)) * 1000;
    at -= sign * offset;
  }
  return at;
}

function positiveWhole(value: unknown): boolean {
  const text = typeof value === 'number' ? String(value) : value;
  return typeof text === 'string' && /^[1-9]\d{0,8}$/.test(text);
}

function checkWindow(attributes: Record<string, unknown>, member: 'Before' | 'After', type: string): void {
  if (!positiveWhole(attributes[member])) {
    throw parameterErrors.policyAttribute(`The ${type} policy needs ${member}, a positive whole number.`);
  }
  if (attributes.Unit !== 'Days' && attributes.Unit !== 'Hours') {
    throw parameterErrors.policyAttribute(`The ${type} policy needs Unit, either Days or Hours.`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the Policies text of a PutParameter request. `now` is epoch ms. */
export function parsePolicies(text: string, now: number): ParsedPolicies {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw parameterErrors.policyAttribute('Policies must be a JSON array of policy objects.');
  }
  if (!Array.isArray(parsed)) {
    throw parameterErrors.policyAttribute('Policies must be a JSON array of policy objects.');
  }
  // "[{}]" is how a caller removes every policy from a parameter.
  if (parsed.length > 0 && parsed.every((item) => isObject(item) && Object.keys(item).length === 0)) {
    return { policies: [] };
  }
  if (parsed.length > MAX_POLICIES) throw parameterErrors.policiesLimit();
  const policies: StoredPolicy[] = [];
  let expiresAt: number | undefined;
  let notifications = 0;
  for (const item of parsed) {
    if (!isObject(item)) throw parameterErrors.policyAttribute('Each policy must be a JSON object.');
    const type = item.Type;
    if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
      throw parameterErrors.policyType();
    }
    if (item.Version !== '1.0') throw parameterErrors.policyAttribute('The policy Version must be 1.0.');
    const attributes = item.Attributes;
    if (!isObject(attributes)) throw parameterErrors.policyAttribute(`The ${type} policy needs Attributes.`);
    if (type === 'Expiration') {
      if (expiresAt !== undefined) {
        throw parameterErrors.incompatiblePolicy(
          "You can't specify two Expiration policies for a parameter.",
        );
      }
      const at =
        typeof attributes.Timestamp === 'string' ? parsePolicyTimestamp(attributes.Timestamp) : undefined;
      if (at === undefined) {
        throw parameterErrors.policyAttribute(
          'The Expiration policy needs Timestamp in ISO_INSTANT or ISO_OFFSET_DATE_TIME format.',
        );
      }
      if (at <= now) throw parameterErrors.policyAttribute('The Expiration Timestamp must be in the future.');
      expiresAt = at;
    } else if (type === 'ExpirationNotification') {
      checkWindow(attributes, 'Before', type);
      notifications++;
    } else {
      checkWindow(attributes, 'After', type);
    }
    policies.push({ text: JSON.stringify(item), type: type as StoredPolicy['type'] });
  }
  if (notifications > 0 && expiresAt === undefined) {
    throw parameterErrors.incompatiblePolicy('An ExpirationNotification policy needs an Expiration policy.');
  }
  return { policies, ...(expiresAt !== undefined ? { expiresAt } : {}) };
}

/** The Expiration time of stored policies, if any. */
export function expirationOf(policies: StoredPolicy[]): number | undefined {
  for (const policy of policies) {
    if (policy.type !== 'Expiration') continue;
    const parsed = JSON.parse(policy.text) as { Attributes?: { Timestamp?: string } };
    return parsePolicyTimestamp(parsed.Attributes?.Timestamp ?? '');
  }
  return undefined;
}

/**
 * As responses show policies. Every kept policy is Pending: an Expiration that was carried out took
 * the parameter with it, and notifications are never sent here.
 */
export function policiesView(policies: StoredPolicy[]): ParameterInlinePolicy[] {
  return policies.map((policy) => ({
    PolicyText: policy.text,
    PolicyType: policy.type,
    PolicyStatus: 'Pending',
  }));
}
