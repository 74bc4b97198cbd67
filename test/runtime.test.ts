// The house's seams: operation types generated from the model, capabilities started in the order
// of what they provide and need, and typed service keys.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Capability } from '../src/core/capability.js';
import { defaultConfig } from '../src/core/config.js';
import { createRuntime, startOrder } from '../src/core/runtime.js';
import { ServiceRegistry, serviceKey } from '../src/core/services.js';
import { OPERATIONS_FILE, operationsSource } from '../src/protocol/model/generate-operations.js';
import { serviceModel } from '../src/protocol/model.js';
import { OPERATION_NAMES } from '../src/protocol/operations.js';

const A = serviceKey<{ a: number }>('a');
const B = serviceKey<{ b: string }>('b');

function capability(name: string, parts: Partial<Capability>, started?: string[]): Capability {
  return { name, ...parts, start: () => void started?.push(name) };
}

describe('generated operation types', () => {
  it('are up to date with the model (npx tsx src/protocol/model/generate-operations.ts)', () => {
    expect(readFileSync(OPERATIONS_FILE, 'utf8')).toBe(operationsSource());
    expect([...OPERATION_NAMES].sort()).toEqual(Object.keys(serviceModel().operations).sort());
  });
});

describe('start order', () => {
  it('starts each capability after the providers of what it needs or uses, whatever the list order', () => {
    const order = startOrder([
      capability('consumer', { needs: [A], uses: [B] }),
      capability('b', { provides: [B], needs: [A] }),
      capability('a', { provides: [A] }),
    ]).map((c) => c.name);
    expect(order).toEqual(['a', 'b', 'consumer']);
  });

  it('ignores a used service nobody provides, refuses a needed one', () => {
    expect(startOrder([capability('x', { uses: [A] })]).map((c) => c.name)).toEqual(['x']);
    expect(() => startOrder([capability('x', { needs: [A] })])).toThrow(
      'capability x needs a, which no capability provides',
    );
  });

  it('refuses a cycle and a service provided twice', () => {
    expect(() =>
      startOrder([
        capability('x', { provides: [A], needs: [B] }),
        capability('y', { provides: [B], needs: [A] }),
      ]),
    ).toThrow(/cycle: x -> y -> x/);
    expect(() =>
      startOrder([capability('x', { provides: [A] }), capability('y', { provides: [A] })]),
    ).toThrow('capabilities x and y both provide a');
  });

  it('the runtime starts them in that order and hands out what was provided, typed by its key', async () => {
    const started: string[] = [];
    const runtime = await createRuntime({
      config: defaultConfig({ dataPath: ':memory:' }),
      capabilities: [
        {
          name: 'consumer',
          needs: [A],
          start(services) {
            started.push('consumer');
            // Typed by the key: no cast.
            expect(services.registry.get(A).a).toBe(42);
          },
        },
        {
          name: 'provider',
          provides: [A],
          start(services) {
            started.push('provider');
            services.registry.provide(A, { a: 42 });
          },
        },
      ],
    });
    expect(started).toEqual(['provider', 'consumer']);
    expect(runtime.services.registry.find(B)).toBeUndefined();
    await runtime.stop();
  });

  it('refuses to start a capability that declares a service it does not provide', async () => {
    await expect(
      createRuntime({
        config: defaultConfig({ dataPath: ':memory:' }),
        capabilities: [{ name: 'liar', provides: [A] }],
      }),
    ).rejects.toThrow('capability liar declares a but did not provide it');
  });
});

describe('service registry', () => {
  it('provides each key once', () => {
    const registry = new ServiceRegistry();
    registry.provide(B, { b: 'x' });
    expect(registry.get(B).b).toBe('x');
    expect(() => registry.provide(B, { b: 'y' })).toThrow('service b is provided twice');
    expect(() => registry.get(A)).toThrow('service a is not provided');
  });
});
