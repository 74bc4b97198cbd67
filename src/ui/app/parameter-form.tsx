// A document's parameters as form fields (from DescribeDocument), for the pages that start something
// with a document other than Run Command: State Manager's new association and Automation's new
// execution. Values go to the API as Run Command's do (parameterValue): lists of strings, an empty
// field meaning the document's default.
import type { Output } from './api.js';
import { Empty, Field, Loading } from './components.js';
import { parameterValue } from './pages/run-command.js';

export type DocumentParameter = NonNullable<
  NonNullable<Output<'DescribeDocument'>['Document']>['Parameters']
>[number];

/** The parameters the form's values give (those left empty are left out: their defaults apply). */
export function parametersOf(
  parameters: DocumentParameter[],
  values: Record<string, string>,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const parameter of parameters) {
    const value = parameterValue(parameter.Type, values[parameter.Name!] ?? '');
    if (value) result[parameter.Name!] = value;
  }
  return result;
}

export function ParameterFields({
  documentName,
  parameters,
  values,
  onChange,
}: {
  documentName: string;
  /** undefined while DescribeDocument has not answered. */
  parameters: DocumentParameter[] | undefined;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
}) {
  return (
    <fieldset>
      <legend>Parameters of {documentName}</legend>
      {!parameters ? (
        <Loading what="the document's parameters" />
      ) : parameters.length === 0 ? (
        <Empty>This document takes no parameters.</Empty>
      ) : (
        <div class="form-grid">
          {parameters.map((parameter) => {
            // The SDK names String and StringList; documents declare more (Boolean, Integer, MapList…).
            const type: string = parameter.Type ?? 'String';
            const name = parameter.Name!;
            const hint = [
              type,
              parameter.Description,
              parameter.DefaultValue !== undefined
                ? `default: ${parameter.DefaultValue || '(empty)'}`
                : 'required',
              type === 'StringList' ? 'one value a line' : '',
            ]
              .filter(Boolean)
              .join(' · ');
            const set = (value: string) => onChange({ ...values, [name]: value });
            const multiline = type === 'StringList' || type === 'StringMap' || type === 'MapList';
            return (
              <Field key={`${documentName}/${name}`} label={name} hint={hint}>
                {(p) =>
                  type === 'Boolean' ? (
                    <select {...p} value={values[name] ?? ''} onChange={(e) => set(e.currentTarget.value)}>
                      <option value="">(default)</option>
                      <option value="true">true</option>
                      <option value="false">false</option>
                    </select>
                  ) : multiline ? (
                    <textarea
                      {...p}
                      name={name}
                      rows={3}
                      class="mono"
                      value={values[name] ?? ''}
                      onInput={(e) => set(e.currentTarget.value)}
                    />
                  ) : (
                    <input
                      {...p}
                      name={name}
                      value={values[name] ?? ''}
                      placeholder={parameter.DefaultValue ?? ''}
                      onInput={(e) => set(e.currentTarget.value)}
                    />
                  )
                }
              </Field>
            );
          })}
        </div>
      )}
    </fieldset>
  );
}

/** "tag:Role=web,db" or "InstanceIds=i-1,i-2" (one target a line) as Targets. */
export function parseTargets(text: string): { Key: string; Values: string[] }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf('=');
      const key = at < 0 ? line : line.slice(0, at).trim();
      const values = at < 0 ? [] : line.slice(at + 1).split(',');
      return { Key: key, Values: values.map((v) => v.trim()).filter(Boolean) };
    });
}

/** Targets as one line each: "tag:Role=web,db". */
export function targetsText(targets: { Key?: string; Values?: string[] }[] | undefined): string {
  return (targets ?? []).map((t) => `${t.Key}=${(t.Values ?? []).join(',')}`).join('; ');
}
