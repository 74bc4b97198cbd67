// Step outputs' Selector and Type (select.ts): JSONPath over an action's answer, converted as AWS's
// "Using action outputs as inputs" page says.
import { describe, expect, it } from 'vitest';
import { isDefiniteSelector, selectMatches, selectOutput } from '../src/automation/actions/select.js';

const response = {
  Parameter: { Name: '/app/port', Type: 'String', Value: '8080', Version: 3, Secure: false },
  Parameters: [
    { Name: '/a', Value: 'one', Tags: { team: 'x' } },
    { Name: '/b', Value: 'two', Tags: { team: 'y' } },
  ],
  Counts: [1, 2, 3],
  Single: ['only'],
  Flag: 'TRUE',
  Payload: { id: 'i-123', nested: { deep: [{ k: 'v' }] }, nothing: null },
};

describe('selectOutput', () => {
  it('reads nested paths, array indexes and the whole source', () => {
    expect(selectOutput(response, '$.Parameter.Name')).toBe('/app/port');
    expect(selectOutput(response, '$.Parameters[1].Value')).toBe('two');
    expect(selectOutput(response, "$.Payload['nested'].deep[0].k")).toBe('v');
    expect(selectOutput(response, '$.Payload', 'StringMap')).toEqual(response.Payload);
    expect(selectOutput({ a: 1 }, '$', 'StringMap')).toEqual({ a: 1 });
  });

  it('defaults to String and converts numbers and booleans to their text', () => {
    expect(selectOutput(response, '$.Parameter.Version')).toBe('3');
    expect(selectOutput(response, '$.Parameter.Secure', 'String')).toBe('false');
  });

  it('converts a String to Integer, Boolean and StringList', () => {
    expect(selectOutput(response, '$.Parameter.Value', 'Integer')).toBe(8080);
    expect(selectOutput(response, '$.Flag', 'Boolean')).toBe(true);
    expect(selectOutput(response, '$.Parameter.Value', 'StringList')).toEqual(['8080']);
  });

  it('converts an Integer or a Boolean to StringList', () => {
    expect(selectOutput(response, '$.Parameter.Version', 'StringList')).toEqual(['3']);
    expect(selectOutput(response, '$.Parameter.Secure', 'StringList')).toEqual(['false']);
    expect(selectOutput(response, '$.Parameter.Version', 'Integer')).toBe(3);
    expect(selectOutput(response, '$.Parameter.Secure', 'Boolean')).toBe(false);
  });

  it('takes the element of a one-element list for String, Integer and Boolean', () => {
    expect(selectOutput(response, '$.Single')).toBe('only');
    expect(selectOutput({ n: [7] }, '$.n', 'Integer')).toBe(7);
    expect(selectOutput({ b: ['true'] }, '$.b', 'Boolean')).toBe(true);
  });

  it('gives a list for an indefinite selector (wildcard, .., slice, union)', () => {
    expect(selectOutput(response, '$.Parameters[*].Name', 'StringList')).toEqual(['/a', '/b']);
    expect(selectOutput(response, '$..Value', 'StringList')).toEqual(['8080', 'one', 'two']);
    expect(selectOutput(response, '$.Counts[0:2]', 'StringList')).toEqual(['1', '2']);
    expect(selectOutput(response, '$.Parameters[0,1].Tags', 'MapList')).toEqual([
      { team: 'x' },
      { team: 'y' },
    ]);
    expect(selectOutput(response, '$.Parameters', 'MapList')).toEqual(response.Parameters);
    // A list of one selected by a wildcard is that one value for String.
    expect(selectOutput({ l: [{ n: 'x' }] }, '$.l[*].n')).toBe('x');
  });

  it('gives undefined (no output) when nothing matches, [] for an indefinite list selector', () => {
    expect(selectOutput(response, '$.Parameter.Missing')).toBeUndefined();
    expect(selectOutput(response, '$.Parameters[5].Name')).toBeUndefined();
    expect(selectOutput(response, '$.Payload.nothing')).toBeUndefined();
    expect(selectOutput({ Parameters: [] }, '$.Parameters[*].Name', 'StringList')).toEqual([]);
    expect(selectOutput({ Parameters: [] }, '$.Parameters[*]', 'MapList')).toEqual([]);
    expect(selectOutput({ Parameters: [] }, '$.Parameters[*].Name', 'String')).toBeUndefined();
  });

  it('fails with a clear error when the value cannot be that type', () => {
    expect(() => selectOutput(response, '$.Payload')).toThrow(
      /The value selected by \$\.Payload \(\{"id":"i-123".*\) cannot be converted to the output type String\./,
    );
    expect(() => selectOutput(response, '$.Counts', 'Integer')).toThrow(
      /cannot be converted to the output type Integer/,
    );
    expect(() => selectOutput({ v: 'abc' }, '$.v', 'Integer')).toThrow(/output type Integer/);
    expect(() => selectOutput({ v: '1.5' }, '$.v', 'Integer')).toThrow(/output type Integer/);
    expect(() => selectOutput({ v: 'yes' }, '$.v', 'Boolean')).toThrow(/output type Boolean/);
    expect(() => selectOutput({ v: 1 }, '$.v', 'Boolean')).toThrow(/output type Boolean/);
    expect(() => selectOutput(response, '$.Parameters', 'StringList')).toThrow(/output type StringList/);
    expect(() => selectOutput(response, '$.Parameter.Name', 'StringMap')).toThrow(/output type StringMap/);
    expect(() => selectOutput(response, '$.Counts', 'MapList')).toThrow(/output type MapList/);
    expect(() => selectOutput(response, '$.Parameter', 'Map')).toThrow(
      'The output type Map is not supported. Valid types: String, Integer, Boolean, StringList, StringMap, MapList.',
    );
  });

  it('refuses filter and script expressions instead of evaluating them', () => {
    const attack = { a: [{ b: 1 }] };
    expect(() => selectOutput(attack, '$.a[?(@.b==1)]')).toThrow(
      /filter and script expressions are not supported/,
    );
    expect(() => selectOutput(attack, "$.a[?(@.constructor.constructor('return process')())]")).toThrow(
      /not supported/,
    );
    expect(() => selectOutput(attack, '$.a[(@.length-1)]')).toThrow(/not supported/);
    expect(() => selectOutput(attack, '')).toThrow(/not a JSONPath expression/);
  });
});

describe('selector helpers', () => {
  it('tells definite selectors from indefinite ones', () => {
    expect(isDefiniteSelector('$.a.b[0]')).toBe(true);
    expect(isDefiniteSelector("$['a']")).toBe(true);
    expect(isDefiniteSelector('$')).toBe(true);
    for (const s of ['$.a[*]', '$..b', '$.a[1:3]', '$.a[0,2]', '$.a.*'])
      expect(isDefiniteSelector(s)).toBe(false);
  });

  it('selectMatches lists every match, nulls left out', () => {
    expect(selectMatches({ a: [{ b: 1 }, { b: null }, { b: 2 }] }, '$.a[*].b')).toEqual([1, 2]);
    expect(selectMatches({}, '$.x')).toEqual([]);
  });
});
