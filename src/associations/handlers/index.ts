// STUB (to be replaced): the association API over stored associations.
import type { Handlers, TaggableType } from '../../core/capability.js';
import { errors } from '../../protocol/errors.js';
import type { AssociationEngine } from '../engine-api.js';

export function associationHandlers(_engine: () => AssociationEngine): Handlers {
  return {};
}

export const associationTaggable: TaggableType = {
  tags: () => {
    throw errors.invalidResourceId();
  },
};
