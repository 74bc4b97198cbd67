// A document's parameters as form fields (from DescribeDocument), for every page that starts
// something with a document: Run Command's SendCommand, State Manager's new association and
// Automation's new execution. Values go to the API as SendCommand takes them (parameterValue): lists
// of strings, an empty field meaning the document's default.
import type { Output } from './api.js';
import { Empty, Field, Loading } from './components.js';

export type DocumentParameter = NonNullable<
  NonNullable<Output<'DescribeDocument'>['Document']>['Parameters']
>[number];

/** A parameter's value as SendCommand takes it (a list of strings), or undefined to use the default. */
export function parameterValue(type: string | undefined, text: string): string[] | undefined {
  if (type === 'StringList') {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    return lines.length ? lines : undefined;
  }
  return text.trim() === '' ? undefined : [text];
}

/** One parameter as a form field: a select for Boolean, a text area for lists and maps. */
export function ParameterField({
  parameter,
  value,
  onChange,
}: {
  parameter: DocumentParameter;
  value: string;
  onChange: (value: string) => void;
}) {
  // The SDK's type names only String and StringList; documents declare more (Boolean, Integer, …).
  const type: string = parameter.Type ?? 'String';
  const hint = [
    type,
    parameter.Description,
    parameter.DefaultValue !== undefined ? `default: ${parameter.DefaultValue || '(empty)'}` : 'required',
  ]
    .filter(Boolean)
    .join(' · ');
  const multiline = type === 'StringList' || type === 'StringMap' || type === 'MapList';
  return (
    <Field label={parameter.Name!} hint={type === 'StringList' ? `${hint} · one value a line` : hint}>
      {(p) =>
        type === 'Boolean' ? (
          <select {...p} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
            <option value="">(default)</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        ) : multiline ? (
          <textarea
            {...p}
            name={parameter.Name}
            rows={type === 'StringList' ? 4 : 3}
            class="mono"
            value={value}
            onInput={(e) => onChange(e.currentTarget.value)}
          />
        ) : (
          <input
            {...p}
            name={parameter.Name}
            inputMode={type === 'Integer' ? 'numeric' : undefined}
            value={value}
            placeholder={parameter.DefaultValue ?? ''}
            onInput={(e) => onChange(e.currentTarget.value)}
          />
        )
      }
    </Field>
  );
}

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
          {parameters.map((parameter) => (
            <ParameterField
              key={`${documentName}/${parameter.Name}`}
              parameter={parameter}
              value={values[parameter.Name!] ?? ''}
              onChange={(value) => onChange({ ...values, [parameter.Name!]: value })}
            />
          ))}
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
