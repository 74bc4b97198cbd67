// A document's parameters as form fields (from DescribeDocument), for every page that starts
// something with a document: Run Command's SendCommand, State Manager's new association and
// Automation's new execution. Values go to the API as SendCommand takes them (parameterValue): lists
// of strings, an empty field meaning the document's default. useDocumentChoice and DocumentSelect are
// the document those forms start it with.
import { useEffect, useState } from 'preact/hooks';
import type { Output } from './api.js';
import { Empty, Field, Loading } from './components.js';
import { useConsole } from './context.js';
import { usePoll, type Polled } from './poll.js';

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

export interface DocumentChoice<Name extends string | undefined> {
  /** The account's documents of the type (ListDocuments). */
  documents: Polled<NonNullable<Output<'ListDocuments'>['DocumentIdentifiers']>>;
  documentName: Name;
  choose(name: string): void;
  /** DescribeDocument of the chosen one. */
  described: Polled<Output<'DescribeDocument'> | undefined>;
  /** Its parameters; undefined until DescribeDocument answers. */
  parameters: DocumentParameter[] | undefined;
  /** What was typed for its parameters (cleared when another document is chosen). */
  values: Record<string, string>;
  setValues(values: Record<string, string>): void;
}

/**
 * The document a form starts something with: the account's documents of `type`, the one chosen
 * (`initial` until the user chooses; without one, the first listed), its DescribeDocument and the
 * values typed for its parameters. `refreshMs`: how often the list is read again (false: once).
 */
export function useDocumentChoice(
  type: 'Command' | 'Automation',
  initial: string,
  refreshMs?: number | false,
): DocumentChoice<string>;
export function useDocumentChoice(
  type: 'Command' | 'Automation',
  initial?: undefined,
  refreshMs?: number | false,
): DocumentChoice<string | undefined>;
export function useDocumentChoice(
  type: 'Command' | 'Automation',
  initial?: string,
  refreshMs: number | false = false,
): DocumentChoice<string | undefined> {
  const { call, all } = useConsole();
  const documents = usePoll(
    (signal) =>
      all(
        'ListDocuments',
        { Filters: [{ Key: 'DocumentType', Values: [type] }], MaxResults: 50 },
        (page) => page.DocumentIdentifiers,
        signal,
      ),
    [type],
    refreshMs,
  );
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const documentName = picked ?? initial ?? documents.data?.[0]?.Name;
  const described = usePoll(
    async (signal) => (documentName ? call('DescribeDocument', { Name: documentName }, signal) : undefined),
    [documentName],
    false,
  );
  const [values, setValues] = useState<Record<string, string>>({});
  useEffect(() => setValues({}), [documentName]);
  return {
    documents,
    documentName,
    choose: setPicked,
    described,
    parameters: described.data?.Document?.Parameters,
    values,
    setValues,
  };
}

/** The document field of such a form: the listed documents (the chosen one alone while they load). */
export function DocumentSelect({
  label,
  choice,
}: {
  label: string;
  choice: DocumentChoice<string | undefined>;
}) {
  const { documents, documentName, choose } = choice;
  const names = documents.data?.map((d) => d.Name!) ?? (documentName ? [documentName] : []);
  return (
    <Field label={label}>
      {(p) => (
        <select {...p} value={documentName ?? ''} onChange={(e) => choose(e.currentTarget.value)}>
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
