// The documents capability's state (plain JSON, per account and region), how a name or ARN finds a
// document (own, Amazon's, or shared by another account), version selection, and the response
// shapes built from a stored version.
import type {
  DocumentDescription,
  DocumentIdentifier,
  DocumentRequires,
  DocumentVersionInfo,
  DocumentType,
  DocumentFormat as SdkDocumentFormat,
  ReviewStatus,
  PlatformType,
  DocumentParameterType,
} from '@aws-sdk/client-ssm';
import type { RequestContext, Tag } from '../core/capability.js';
import type { DocumentFormat, ParameterSummary } from './content.js';
import { amazonDocument } from './amazon.js';
import { documentErrors } from './errors.js';

export const STATE_KEY = 'documents';

export interface ReviewResponse {
  createdAt: number;
  updatedAt: number;
  status: ReviewStatus;
  comment?: string;
  reviewer: string;
}

export interface VersionRecord {
  version: number;
  /** The content exactly as it was given. */
  content: string;
  format: DocumentFormat;
  /** SHA-256 of the content, lower-case hex. */
  hash: string;
  /** Epoch milliseconds. */
  createdAt: number;
  versionName?: string;
  displayName?: string;
  targetType?: string;
  schemaVersion: string;
  description?: string;
  parameters: ParameterSummary[];
  platformTypes: string[];
  reviewStatus?: ReviewStatus;
  reviews?: ReviewResponse[];
}

export interface ShareRecord {
  /** A 12-digit account id, or 'all' for a public document. */
  accountId: string;
  /** $DEFAULT, $LATEST or $ALL. */
  version: string;
}

export interface DocumentRecord {
  name: string;
  /** The owning account id, or 'Amazon'. */
  owner: string;
  documentType: string;
  defaultVersion: number;
  latestVersion: number;
  /** The highest version number ever given, so numbers are never reused after a delete. */
  lastVersion: number;
  versions: VersionRecord[];
  tags: Tag[];
  requires?: DocumentRequires[];
  shares: ShareRecord[];
}

export interface DocumentsState {
  documents: DocumentRecord[];
}

export function stateOf(ctx: RequestContext): DocumentsState {
  return ctx.scope.get<DocumentsState>(STATE_KEY, () => ({ documents: [] }));
}

const ARN = /^arn:aws[a-z-]*:ssm:([a-z0-9-]*):([0-9]*):document\/(.+)$/;

export interface DocumentRef {
  name: string;
  account?: string;
  region?: string;
}

export function parseRef(nameOrArn: string): DocumentRef {
  const m = ARN.exec(nameOrArn);
  if (!m) return { name: nameOrArn };
  return { region: m[1]!, account: m[2]!, name: m[3]! };
}

export function documentArn(ctx: RequestContext, owner: string, name: string): string {
  return `arn:aws:ssm:${ctx.region}:${owner === 'Amazon' ? '' : owner}:document/${name}`;
}

/** The caller's own document with this name (plain name or own ARN). */
export function findOwn(ctx: RequestContext, nameOrArn: string): DocumentRecord | undefined {
  const ref = parseRef(nameOrArn);
  if (ref.account !== undefined && (ref.account !== ctx.accountId || ref.region !== ctx.region))
    return undefined;
  return stateOf(ctx).documents.find((d) => d.name === ref.name);
}

export interface Readable {
  doc: DocumentRecord;
  own: boolean;
  /** For a document another account shared: the version it shared ($DEFAULT, $LATEST or $ALL). */
  sharedVersion?: string;
}

function shareFor(doc: DocumentRecord, accountId: string): ShareRecord | undefined {
  return doc.shares.find((s) => s.accountId === accountId) ?? doc.shares.find((s) => s.accountId === 'all');
}

/** Documents other accounts in this region keep, without creating state for accounts that have none. */
export function foreignDocuments(ctx: RequestContext): DocumentRecord[] {
  const out: DocumentRecord[] = [];
  for (const scope of ctx.services.store.scopes()) {
    if (scope.region !== ctx.region || scope.accountId === ctx.accountId) continue;
    out.push(...scope.get<DocumentsState>(STATE_KEY, () => ({ documents: [] })).documents);
  }
  return out;
}

/**
 * A document the caller may read: its own, Amazon's (by name or ARN), or one another account shared
 * with it or publicly (by ARN, as SSM requires for shared documents).
 */
export function findReadable(ctx: RequestContext, nameOrArn: string): Readable | undefined {
  const ref = parseRef(nameOrArn);
  if (ref.region !== undefined && ref.region !== ctx.region) return undefined;
  if (ref.account === undefined || ref.account === ctx.accountId) {
    const own = stateOf(ctx).documents.find((d) => d.name === ref.name);
    if (own) return { doc: own, own: true };
  }
  if (ref.account === undefined || ref.account === '') {
    const amazon = amazonDocument(ref.name);
    return amazon ? { doc: amazon, own: false } : undefined;
  }
  if (ref.account === ctx.accountId) return undefined;
  const doc = foreignDocuments(ctx).find((d) => d.owner === ref.account && d.name === ref.name);
  const share = doc && shareFor(doc, ctx.accountId);
  return doc && share ? { doc, own: false, sharedVersion: share.version } : undefined;
}

export function requireReadable(ctx: RequestContext, nameOrArn: string): Readable {
  const found = findReadable(ctx, nameOrArn);
  if (!found) throw documentErrors.notFound();
  return found;
}

/** The caller's own document, for writes: Amazon's documents are refused, anything else is missing. */
export function requireOwn(ctx: RequestContext, nameOrArn: string): DocumentRecord {
  const own = findOwn(ctx, nameOrArn);
  if (own) return own;
  const ref = parseRef(nameOrArn);
  if (amazonDocument(ref.name) && (ref.account === undefined || ref.account === '')) {
    throw documentErrors.amazonOwned();
  }
  throw documentErrors.notFound();
}

export function versionByNumber(doc: DocumentRecord, version: number): VersionRecord | undefined {
  return doc.versions.find((v) => v.version === version);
}

export function defaultVersionOf(doc: DocumentRecord): VersionRecord {
  return versionByNumber(doc, doc.defaultVersion)!;
}

export function latestVersionOf(doc: DocumentRecord): VersionRecord {
  return versionByNumber(doc, doc.latestVersion)!;
}

/**
 * DocumentVersion ($DEFAULT, $LATEST or a number) and/or VersionName select a version; neither
 * gives the default version. Both given must name the same version.
 */
export function selectVersion(
  doc: DocumentRecord,
  documentVersion: string | undefined,
  versionName: string | undefined,
  sharedVersion?: string,
): VersionRecord {
  let chosen: VersionRecord | undefined;
  if (documentVersion === '$LATEST') chosen = latestVersionOf(doc);
  else if (documentVersion === '$DEFAULT') chosen = defaultVersionOf(doc);
  else if (documentVersion !== undefined) chosen = versionByNumber(doc, Number(documentVersion));
  if (documentVersion !== undefined && !chosen) throw documentErrors.versionNotFound();
  if (versionName !== undefined) {
    const named = doc.versions.find((v) => v.versionName === versionName);
    if (!named || (chosen && chosen !== named)) throw documentErrors.versionNotFound();
    chosen = named;
  }
  chosen ??= defaultVersionOf(doc);
  if (sharedVersion === '$DEFAULT' && chosen.version !== doc.defaultVersion)
    throw documentErrors.versionNotFound();
  if (sharedVersion === '$LATEST' && chosen.version !== doc.latestVersion)
    throw documentErrors.versionNotFound();
  return chosen;
}

const platforms = (v: VersionRecord) => v.platformTypes as PlatformType[];

function reviewFields(doc: DocumentRecord, v: VersionRecord): Partial<DocumentDescription> {
  const out: Partial<DocumentDescription> = {};
  if (v.reviewStatus) out.ReviewStatus = v.reviewStatus;
  const approved = doc.versions.find((x) => x.reviewStatus === 'APPROVED');
  const pending = doc.versions.find((x) => x.reviewStatus === 'PENDING');
  if (approved) out.ApprovedVersion = String(approved.version);
  if (pending) out.PendingReviewVersion = String(pending.version);
  if (v.reviews?.length) {
    out.ReviewInformation = v.reviews.map((r) => ({
      ReviewedTime: new Date(r.updatedAt),
      Status: r.status,
      Reviewer: r.reviewer,
    }));
  }
  return out;
}

/** DocumentDescription for a version. `status` overrides Active (CreateDocument answers Creating). */
export function describe(
  doc: DocumentRecord,
  v: VersionRecord,
  options: { name?: string; status?: string; tags?: boolean } = {},
): DocumentDescription {
  return {
    Hash: v.hash,
    HashType: 'Sha256',
    Name: options.name ?? doc.name,
    ...(v.displayName !== undefined ? { DisplayName: v.displayName } : {}),
    ...(v.versionName !== undefined ? { VersionName: v.versionName } : {}),
    Owner: doc.owner,
    CreatedDate: new Date(v.createdAt),
    Status: (options.status ?? 'Active') as DocumentDescription['Status'],
    DocumentVersion: String(v.version),
    ...(v.description !== undefined ? { Description: v.description } : {}),
    ...(v.parameters.length
      ? { Parameters: v.parameters.map((p) => ({ ...p, Type: p.Type as DocumentParameterType })) }
      : {}),
    PlatformTypes: platforms(v),
    DocumentType: doc.documentType as DocumentType,
    SchemaVersion: v.schemaVersion,
    LatestVersion: String(doc.latestVersion),
    DefaultVersion: String(doc.defaultVersion),
    DocumentFormat: v.format as SdkDocumentFormat,
    ...(v.targetType !== undefined ? { TargetType: v.targetType } : {}),
    Tags: options.tags === false ? [] : doc.tags.map((t) => ({ Key: t.Key, Value: t.Value })),
    ...(doc.requires ? { Requires: doc.requires } : {}),
    ...reviewFields(doc, v),
  };
}

export function identifier(
  doc: DocumentRecord,
  v: VersionRecord,
  name: string,
  own: boolean,
): DocumentIdentifier {
  return {
    Name: name,
    CreatedDate: new Date(v.createdAt),
    ...(v.displayName !== undefined ? { DisplayName: v.displayName } : {}),
    Owner: doc.owner,
    ...(v.versionName !== undefined ? { VersionName: v.versionName } : {}),
    PlatformTypes: platforms(v),
    DocumentVersion: String(v.version),
    DocumentType: doc.documentType as DocumentType,
    SchemaVersion: v.schemaVersion,
    DocumentFormat: v.format as SdkDocumentFormat,
    ...(v.targetType !== undefined ? { TargetType: v.targetType } : {}),
    Tags: own ? doc.tags.map((t) => ({ Key: t.Key, Value: t.Value })) : [],
    ...(doc.requires ? { Requires: doc.requires } : {}),
    ...(v.reviewStatus ? { ReviewStatus: v.reviewStatus } : {}),
  };
}

export function versionInfo(doc: DocumentRecord, v: VersionRecord, name: string): DocumentVersionInfo {
  return {
    Name: name,
    ...(v.displayName !== undefined ? { DisplayName: v.displayName } : {}),
    DocumentVersion: String(v.version),
    ...(v.versionName !== undefined ? { VersionName: v.versionName } : {}),
    CreatedDate: new Date(v.createdAt),
    IsDefaultVersion: v.version === doc.defaultVersion,
    DocumentFormat: v.format as SdkDocumentFormat,
    Status: 'Active',
    ...(v.reviewStatus ? { ReviewStatus: v.reviewStatus } : {}),
  };
}
