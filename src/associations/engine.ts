// STUB (to be replaced): the associations engine.
import type { RequestContext, Services } from '../core/capability.js';
import { errors } from '../protocol/errors.js';
import type { AssociationEngine } from './engine-api.js';

export class AssociationsEngine implements AssociationEngine {
  constructor(readonly services: Services) {}
  applied(_ctx: RequestContext, _associationId: string, _change: 'created' | 'updated'): void {}
  removed(_ctx: RequestContext, _associationId: string): Promise<void> {
    return Promise.resolve();
  }
  runOnce(_ctx: RequestContext, _associationIds: string[]): Promise<void> {
    return Promise.reject(errors.notImplemented('StartAssociationsOnce'));
  }
  recover(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}
