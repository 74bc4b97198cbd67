// The official SSM service model (botocore service-2.json, 2014-11-06) drives the protocol:
// operation names, input shapes, constraints and error shapes all come from it.
import { readFileSync } from 'node:fs';

export interface ShapeRef {
  shape: string;
}

export interface Shape {
  type:
    | 'structure'
    | 'string'
    | 'list'
    | 'map'
    | 'integer'
    | 'long'
    | 'boolean'
    | 'timestamp'
    | 'blob'
    | 'double'
    | 'float';
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  exception?: boolean;
  fault?: boolean;
  union?: boolean;
  /** The value is a secret (a parameter's Value, a document's Parameters): never echoed in messages. */
  sensitive?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
}

export interface Operation {
  name: string;
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
}

export interface ServiceModel {
  metadata: { apiVersion: string; targetPrefix: string; jsonVersion: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

let cached: ServiceModel | undefined;

export function serviceModel(): ServiceModel {
  cached ??= JSON.parse(
    readFileSync(new URL('./model/ssm-2014-11-06.json', import.meta.url), 'utf8'),
  ) as ServiceModel;
  return cached;
}

export function shape(name: string): Shape {
  const found = serviceModel().shapes[name];
  if (!found) throw new Error(`shape ${name} is not in the SSM model`);
  return found;
}
