// DescribeSessions: this account and region's sessions in one State (Active: Connecting, Connected,
// Disconnected, Terminating; History: Terminated, Failed), newest first, filtered (filters of one key
// match any of their values, filters of different keys must all match) and paginated.
import type {
  DescribeSessionsRequest,
  DescribeSessionsResponse,
  Session,
  SessionFilter,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { pageAfterKey } from '../../core/pagination.js';
import type { LiveSession } from '../model.js';
import { sessionErrors } from './errors.js';
import { isActive, type SessionTable } from './registry.js';
import { byKeyFilters } from '../../core/key-filters.js';

/** The page size when MaxResults is not given (the model allows 1..200; the default is ours). */
const DEFAULT_MAX_RESULTS = 20;

type Test = (session: LiveSession) => boolean;

function dateOf(filter: SessionFilter): number {
  const value = filter.value!;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw sessionErrors.invalidDateFilter(filter.key!, value);
  return ms;
}

function filterTest(filter: SessionFilter): Test {
  const value = filter.value!;
  switch (filter.key) {
    case 'InvokedAfter': {
      const at = dateOf(filter);
      return (s) => s.startDate >= at;
    }
    case 'InvokedBefore': {
      const at = dateOf(filter);
      return (s) => s.startDate < at;
    }
    case 'Target':
      return (s) => s.target === value;
    case 'Owner':
      // The owner's ARN, or the IAM user name it ends with.
      return (s) => s.owner === value || s.owner.endsWith(`:user/${value}`);
    case 'Status':
      return (s) => s.status === value;
    case 'SessionId':
      return (s) => s.sessionId === value;
    case 'AccessType':
      return () => value === 'Standard';
    default:
      return () => false;
  }
}

function compile(filters: SessionFilter[] | undefined): Test {
  return byKeyFilters(filters, filterTest);
}

function view(session: LiveSession): Session {
  return {
    SessionId: session.sessionId,
    Target: session.target,
    Status: session.status as Session['Status'],
    StartDate: new Date(session.startDate),
    ...(session.endDate !== undefined ? { EndDate: new Date(session.endDate) } : {}),
    DocumentName: session.documentName,
    Owner: session.owner,
    ...(session.reason !== undefined ? { Reason: session.reason } : {}),
    ...(session.maxDurationMinutes !== undefined
      ? { MaxSessionDuration: String(session.maxDurationMinutes) }
      : {}),
    AccessType: 'Standard',
  };
}

/** Newest first: a key that sorts ascending as the creation order descends. */
function keyOf(seq: number): string {
  return String(Number.MAX_SAFE_INTEGER - seq).padStart(16, '0');
}

export function describeSessions(table: () => SessionTable) {
  return (input: DescribeSessionsRequest, ctx: RequestContext): DescribeSessionsResponse => {
    const test = compile(input.Filters);
    const active = input.State === 'Active';
    const matching = table()
      .list(ctx.accountId, ctx.region)
      .filter(({ session }) => isActive(session) === active && test(session))
      .sort((a, b) => b.seq - a.seq);
    const page = pageAfterKey(
      'DescribeSessions',
      matching,
      ({ seq }) => keyOf(seq),
      input.MaxResults ?? DEFAULT_MAX_RESULTS,
      input.NextToken,
    );
    const result: DescribeSessionsResponse = { Sessions: page.items.map(({ session }) => view(session)) };
    if (page.nextToken) result.NextToken = page.nextToken;
    return result;
  };
}
