// STUB (to be replaced): the package manager inside an instance.
import type { PatchScanner } from '../model.js';

export function debianScanner(): PatchScanner {
  return {
    scan: () => Promise.reject(new Error('the patch scanner is not built yet')),
    install: () => Promise.reject(new Error('the patch installer is not built yet')),
  };
}
