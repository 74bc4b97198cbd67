// Patch baselines and patch groups, kept in the store per account and region as keyed records (each
// write journals just the records it names). Plain JSON only: times are epoch milliseconds.
import type { ChangedRecord, Tag } from '../../core/capability.js';
import type { RegionScope } from '../../store/store.js';
import type { BaselineRules } from '../model.js';

export const CAPABILITY = 'patchBaselines';

/** What GetPatchBaseline answers of a baseline besides its id, dates and patch groups. */
export interface BaselineSettings extends BaselineRules {
  Name: string;
  Description?: string;
  Sources?: Array<{ Name: string; Products: string[]; Configuration: string }>;
}

/** A baseline of this account (Owner Self). */
export interface StoredBaseline {
  baselineId: string;
  /** Orders baselines: one more than the largest seq stored when it was created. */
  seq: number;
  settings: BaselineSettings;
  createdAt: number;
  modifiedAt: number;
  tags: Tag[];
}

/** A patch group's baseline for one operating system. */
export interface StoredRegistration {
  patchGroup: string;
  operatingSystem: string;
  /** A baseline of this account (pb-…), or a predefined baseline's ARN. */
  baselineId: string;
}

/** A CreatePatchBaseline ClientToken and what it made. */
export interface StoredClientToken {
  /** The request it came with (JSON of the settings and tags), to detect a mismatch. */
  request: string;
  baselineId: string;
}

export interface BaselinesState {
  /** By BaselineId (pb-…). */
  baselines: Record<string, StoredBaseline>;
  /** By OperatingSystem: the registered default (pb-… or a predefined ARN). */
  defaults: Record<string, string>;
  /** By registrationKey(patchGroup, operatingSystem). */
  groups: Record<string, StoredRegistration>;
  /** By ClientToken. */
  clientTokens: Record<string, StoredClientToken>;
}

export type Collection = keyof BaselinesState;

export function baselinesState(scope: RegionScope): BaselinesState {
  const state = scope.get<BaselinesState>(CAPABILITY, () => ({
    baselines: {},
    defaults: {},
    groups: {},
    clientTokens: {},
  }));
  state.defaults ??= {};
  state.groups ??= {};
  state.clientTokens ??= {};
  return state;
}

/** `|` cannot occur in a patch group name (its pattern), so it separates the two. */
export const registrationKey = (patchGroup: string, operatingSystem: string): string =>
  `${operatingSystem}|${patchGroup}`;

export function findBaseline(scope: RegionScope, baselineId: string): StoredBaseline | undefined {
  const all = baselinesState(scope).baselines;
  return Object.hasOwn(all, baselineId) ? all[baselineId] : undefined;
}

/** The patch groups registered with a baseline, in name order. */
export function groupsOf(scope: RegionScope, baselineId: string): string[] {
  return Object.values(baselinesState(scope).groups)
    .filter((g) => g.baselineId === baselineId)
    .map((g) => g.patchGroup)
    .sort();
}

export function record(collection: Collection, key: string): ChangedRecord {
  return { capability: CAPABILITY, collection, key };
}

/** Deletes a record; persist the returned record so the journal writes its removal. */
export function removeRecord(state: BaselinesState, collection: Collection, key: string): ChangedRecord {
  delete state[collection][key];
  return record(collection, key);
}
