// ParameterFilters (ParameterStringFilter) for DescribeParameters and GetParametersByPath, and the
// deprecated Filters of DescribeParameters, as the API reference defines them:
// - DescribeParameters: every key but Label (Name, Type, KeyId, Path, Tier, DataType, tag:<key>);
//   options Equals and BeginsWith, Name also Contains, Path Recursive or OneLevel (default OneLevel).
// - GetParametersByPath: only Type, KeyId and Label; options Equals and BeginsWith, Label only Equals.
// Values within one filter are alternatives; all filters must hold. A tag filter without values
// matches every parameter that has the tag key.
import type { ParametersFilter, ParameterStringFilter } from '@aws-sdk/client-ssm';
import { parameterErrors } from './errors.js';
import { normalisePath, parentPath, rooted, underPath } from './names.js';

export interface CheckedFilter {
  key: string;
  option: string;
  values: string[] | undefined;
}

/** What filters look at: a parameter's latest version (or a public parameter). */
export interface Subject {
  key: string;
  type: string;
  keyId?: string | undefined;
  tier: string;
  dataType: string;
  labels: string[];
  tags: { Key: string; Value: string }[];
}

const VALUE_SETS: Record<string, string[]> = {
  Type: ['String', 'StringList', 'SecureString'],
  Tier: ['Standard', 'Advanced', 'Intelligent-Tiering'],
  DataType: ['text', 'aws:ec2:image', 'aws:ssm:integration'],
};

const list = (items: string[]): string => `[${items.join(', ')}]`;

function checkValues(filter: CheckedFilter): void {
  const { key, values } = filter;
  if (values === undefined || values.length === 0) {
    if (key.startsWith('tag:')) return;
    throw parameterErrors.filterValuesMissing(key);
  }
  const allowed = VALUE_SETS[key];
  if (allowed) {
    for (const value of values) {
      if (!allowed.includes(value)) throw parameterErrors.filterValue(value, list(allowed));
    }
  }
  if (key === 'Path') {
    for (const value of values) {
      const lower = value.toLowerCase();
      if (lower.startsWith('/aws') || lower.startsWith('/ssm')) throw parameterErrors.reservedPathFilter();
      if (normalisePath(value) === undefined) throw parameterErrors.invalidPathFilter();
    }
  }
}

function check(
  filters: ParameterStringFilter[] | undefined,
  validKey: (key: string) => boolean,
  validKeysText: string,
  optionsFor: (key: string) => string[],
): CheckedFilter[] {
  const seen = new Set<string>();
  const out: CheckedFilter[] = [];
  for (const filter of filters ?? []) {
    const key = filter.Key!;
    if (!validKey(key)) throw parameterErrors.filterKey(key, validKeysText);
    if (seen.has(key)) throw parameterErrors.duplicateFilter(key);
    seen.add(key);
    const options = optionsFor(key);
    const option = filter.Option ?? options[0]!;
    if (!options.includes(option)) {
      const shown = key === 'Path' ? ['Recursive', 'OneLevel'] : [...options].sort();
      throw parameterErrors.filterOption(option, list(shown));
    }
    const checked = { key, option, values: filter.Values };
    checkValues(checked);
    out.push(checked);
  }
  return out;
}

export function checkDescribeFilters(filters: ParameterStringFilter[] | undefined): CheckedFilter[] {
  return check(
    filters,
    (key) => key !== 'Label',
    '[Path, Name, Type, KeyId, Tier]',
    (key) =>
      key === 'Path'
        ? ['OneLevel', 'Recursive']
        : key === 'Name'
          ? ['Equals', 'BeginsWith', 'Contains']
          : ['Equals', 'BeginsWith'],
  );
}

export function checkByPathFilters(filters: ParameterStringFilter[] | undefined): CheckedFilter[] {
  return check(
    filters,
    (key) => key === 'Type' || key === 'KeyId' || key === 'Label',
    '[Type, KeyId]',
    (key) => (key === 'Label' ? ['Equals'] : ['Equals', 'BeginsWith']),
  );
}

function compare(option: string, field: string | undefined, values: string[]): boolean {
  if (field === undefined) return false;
  if (option === 'BeginsWith') return values.some((value) => field.startsWith(value));
  if (option === 'Contains') return values.some((value) => field.includes(value));
  return values.some((value) => field === value);
}

const withSlash = (value: string): string => (value.startsWith('/') ? value : `/${value}`);

export function matches(filter: CheckedFilter, subject: Subject): boolean {
  const { key, option } = filter;
  const values = filter.values ?? [];
  switch (key) {
    case 'Name':
      // "p" and "/p" are one parameter: names compare with their leading slash.
      return compare(option, rooted(subject.key), option === 'Contains' ? values : values.map(withSlash));
    case 'Path':
      return values.some((value) => {
        const path = normalisePath(value)!;
        return option === 'Recursive' ? underPath(subject.key, path, true) : parentPath(subject.key) === path;
      });
    case 'Type':
      return compare(option, subject.type, values);
    case 'KeyId':
      return compare(option, subject.keyId, values);
    case 'Tier':
      return compare(option, subject.tier, values);
    case 'DataType':
      return compare(option, subject.dataType, values);
    case 'Label':
      return subject.labels.some((label) => values.includes(label));
    default: {
      const tag = subject.tags.find((t) => t.Key === key.slice('tag:'.length));
      if (!tag) return false;
      return filter.values === undefined || filter.values.length === 0 || compare(option, tag.Value, values);
    }
  }
}

/** The deprecated Filters: Name (begins with), Type and KeyId (equal). */
export function matchesLegacy(filter: ParametersFilter, subject: Subject): boolean {
  const values = filter.Values ?? [];
  if (filter.Key === 'Name') return compare('BeginsWith', rooted(subject.key), values.map(withSlash));
  if (filter.Key === 'Type') return compare('Equals', subject.type, values);
  return compare('Equals', subject.keyId, values);
}
