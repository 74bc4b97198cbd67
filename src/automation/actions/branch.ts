// aws:branch: Choices (Variable with an operator, And, Or, Not; NextStep) and Default.
import { StepFailure, type ActionDefinition } from '../model.js';

export const branchAction: ActionDefinition = {
  restart: 'resume',
  run() {
    return Promise.reject(new StepFailure('aws:branch is not implemented yet.'));
  },
};
