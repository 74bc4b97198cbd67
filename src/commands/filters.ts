// The filters of ListCommands and ListCommandInvocations: InvokedAfter, InvokedBefore, Status (a
// status or a detailed status), ExecutionStage (Executing or Complete) and DocumentName.
import type { CommandFilter } from '@aws-sdk/client-ssm';
import { commandErrors } from './errors.js';

export interface FilterSubject {
  requestedAt: number;
  documentName: string;
  status: string;
  statusDetails: string;
  terminal: boolean;
}

export type FilterTest = (subject: FilterSubject) => boolean;

function timestamp(filter: CommandFilter): number {
  const value = filter.value!;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw commandErrors.filterDate(filter.key!, value);
  return time;
}

export function compileFilters(filters: CommandFilter[] | undefined): FilterTest {
  const tests: FilterTest[] = [];
  for (const filter of filters ?? []) {
    const value = filter.value!;
    switch (filter.key) {
      case 'InvokedAfter': {
        const after = timestamp(filter);
        tests.push((s) => s.requestedAt >= after);
        break;
      }
      case 'InvokedBefore': {
        const before = timestamp(filter);
        tests.push((s) => s.requestedAt <= before);
        break;
      }
      case 'Status':
        tests.push((s) => s.status === value || s.statusDetails === value);
        break;
      case 'ExecutionStage':
        if (value !== 'Executing' && value !== 'Complete') {
          throw commandErrors.filterStage(value);
        }
        tests.push((s) => (value === 'Complete') === s.terminal);
        break;
      case 'DocumentName':
        tests.push((s) => s.documentName === value);
        break;
    }
  }
  return (subject) => tests.every((test) => test(subject));
}
