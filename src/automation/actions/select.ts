// Selector (JSONPath) and Type for step outputs and the AWS API actions' PropertySelector.

/**
 * The value `selector` (a JSONPath such as `$.Payload.id` or `$.Parameters[0].Name`) picks from
 * `source`, converted to `type` (String by default; Integer, Boolean, StringList, StringMap,
 * MapList). Throws an Error saying why when nothing matches or the value cannot be that type.
 */
export function selectOutput(_source: unknown, selector: string, _type = 'String'): unknown {
  throw new Error(`Selector ${selector} cannot be read yet.`);
}
