// STUB (to be replaced): the Port backend.
import type { SessionBackend } from '../model.js';

export function portBackend(): SessionBackend {
  return { start: () => Promise.reject(new Error('port sessions are not built yet')) };
}
