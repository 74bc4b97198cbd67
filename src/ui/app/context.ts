// What every page reads from the shell: the emulator's console config, the account and region the
// console calls as, and a typed SSM caller bound to them.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { OperationName } from '../../protocol/operations.js';
import { allPages, ssm, type ConsoleConfig, type Input, type Output, type Scope } from './api.js';

export interface ConsoleContext {
  config: ConsoleConfig;
  scope: Scope;
  /** One SSM call as the selected account and region. */
  call<K extends OperationName>(operation: K, input: Input<K>, signal?: AbortSignal): Promise<Output<K>>;
  /** Every page of a paginated SSM call (see api.ts: allPages). */
  all<K extends OperationName, T>(
    operation: K,
    input: Input<K>,
    items: (page: Output<K>) => T[] | undefined,
    signal?: AbortSignal,
  ): Promise<T[]>;
  /** Goes to another page of the console: navigate('run-command', { command: id }). */
  navigate(page: string, params?: Record<string, string>): void;
}

export function consoleContext(
  config: ConsoleConfig,
  scope: Scope,
  navigate: ConsoleContext['navigate'],
): ConsoleContext {
  return {
    config,
    scope,
    call: (operation, input, signal) => ssm(scope, operation, input, signal),
    all: (operation, input, items, signal) =>
      allPages(scope, operation, input, items, signal ? { signal } : {}),
    navigate,
  };
}

export const Console = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const value = useContext(Console);
  if (!value) throw new Error('useConsole() outside the console shell');
  return value;
}
