// ListDocuments: the caller's documents, Amazon's, and those other accounts share with it, filtered
// by Filters (Owner, Name prefix, DocumentType, PlatformTypes, SchemaVersion, TargetType,
// SearchKeyword, TagKey, tag:<key>) and the older DocumentFilterList, sorted by name, paginated.
import type { ListDocumentsRequest, ListDocumentsResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { sortedByKey } from '../core/pagination.js';
import { SsmError } from '../protocol/errors.js';
import { amazonDocuments } from './amazon.js';
import { documentErrors } from './errors.js';
import { paginate } from './paging.js';
import {
  defaultVersionOf,
  documentArn,
  foreignDocuments,
  identifier,
  latestVersionOf,
  stateOf,
  type DocumentRecord,
  type VersionRecord,
} from './state.js';

const DEFAULT_MAX_RESULTS = 50;
const OWNERS = ['Self', 'Amazon', 'Private', 'Public', 'ThirdParty', 'All'];

interface Entry {
  name: string;
  doc: DocumentRecord;
  version: VersionRecord;
  own: boolean;
}

interface Filter {
  key: string;
  values: string[];
}

function shared(doc: DocumentRecord, accountId: string, publicly: boolean): string | undefined {
  const share = doc.shares.find((s) => (publicly ? s.accountId === 'all' : s.accountId === accountId));
  return share?.version;
}

function sharedEntry(ctx: RequestContext, doc: DocumentRecord, sharedVersion: string): Entry {
  const version = sharedVersion === '$LATEST' ? latestVersionOf(doc) : defaultVersionOf(doc);
  return { name: documentArn(ctx, doc.owner, doc.name), doc, version, own: false };
}

function candidates(ctx: RequestContext, owner: string | undefined): Entry[] {
  const own = (): Entry[] =>
    stateOf(ctx).documents.map((doc) => ({ name: doc.name, doc, version: defaultVersionOf(doc), own: true }));
  const amazon = (): Entry[] =>
    amazonDocuments().map((doc) => ({ name: doc.name, doc, version: defaultVersionOf(doc), own: false }));
  const sharedWithMe = (publicly: boolean): Entry[] =>
    foreignDocuments(ctx).flatMap((doc) => {
      const version = shared(doc, ctx.accountId, publicly);
      return version ? [sharedEntry(ctx, doc, version)] : [];
    });
  switch (owner) {
    case 'Self':
      return own();
    case 'Amazon':
      return amazon();
    case 'Private':
      return sharedWithMe(false);
    case 'Public':
      return [...own().filter((e) => e.doc.shares.some((s) => s.accountId === 'all')), ...sharedWithMe(true)];
    case 'ThirdParty':
      return [];
    case 'All': {
      const seen = new Set<DocumentRecord>();
      return [...own(), ...amazon(), ...sharedWithMe(false), ...sharedWithMe(true)].filter((e) =>
        seen.has(e.doc) ? false : (seen.add(e.doc), true),
      );
    }
    default:
      return [...own(), ...amazon(), ...sharedWithMe(false)];
  }
}

function matches(entry: Entry, filter: Filter): boolean {
  const { key, values } = filter;
  const v = entry.version;
  if (key.startsWith('tag:')) {
    const tag = entry.own ? entry.doc.tags.find((t) => t.Key === key.slice(4)) : undefined;
    return tag !== undefined && (values.length === 0 || values.includes(tag.Value));
  }
  if (values.length === 0) return true;
  switch (key) {
    case 'Name':
      return values.some((prefix) => entry.doc.name.startsWith(prefix) || entry.name.startsWith(prefix));
    case 'DocumentType':
      return values.includes(entry.doc.documentType);
    case 'PlatformTypes':
      return values.some((p) => v.platformTypes.includes(p));
    case 'SchemaVersion':
      return values.includes(v.schemaVersion);
    case 'TargetType':
      return v.targetType !== undefined && values.includes(v.targetType);
    case 'SearchKeyword':
      return values.some((word) => entry.doc.name.toLowerCase().includes(word.toLowerCase()));
    case 'TagKey':
      return entry.own && entry.doc.tags.some((t) => values.includes(t.Key));
    default:
      return true;
  }
}

const KNOWN_KEYS = [
  'Owner',
  'Name',
  'DocumentType',
  'PlatformTypes',
  'SchemaVersion',
  'TargetType',
  'SearchKeyword',
  'TagKey',
];

export function listDocuments(input: ListDocumentsRequest, ctx: RequestContext): ListDocumentsResult {
  const filters: Filter[] = [
    ...(input.DocumentFilterList ?? []).map((f) => ({ key: f.key!, values: [f.value!] })),
    ...(input.Filters ?? []).map((f) => ({ key: f.Key ?? '', values: f.Values ?? [] })),
  ];
  let owner: string | undefined;
  for (const filter of filters) {
    if (!KNOWN_KEYS.includes(filter.key) && !(filter.key.startsWith('tag:') && filter.key.length > 4)) {
      throw new SsmError('InvalidFilterKey', '');
    }
    if (filter.key === 'Owner') {
      if (filter.values.length !== 1 || owner !== undefined) {
        throw documentErrors.validation('Owner filter can only have one value.');
      }
      owner = OWNERS.find((o) => o.toLowerCase() === filter.values[0]!.toLowerCase());
      if (!owner) {
        throw documentErrors.validation(
          `Invalid value ${filter.values[0]!} for filter key Owner. Valid values: ${OWNERS.join(', ')}.`,
        );
      }
    }
  }
  const entries = sortedByKey(
    candidates(ctx, owner).filter((entry) => filters.every((f) => f.key === 'Owner' || matches(entry, f))),
    (e) => e.name,
  );
  const page = paginate(
    'ListDocuments',
    entries,
    (e) => e.name,
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  return {
    DocumentIdentifiers: page.items.map((e) => identifier(e.doc, e.version, e.name, e.own)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}
