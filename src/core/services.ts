// Typed service keys: how capabilities reach one another. A capability declares the keys it
// provides and the keys it needs; the runtime starts providers first and hands out values by key,
// typed by the key itself, so no caller casts what it gets back.

export interface ServiceKey<T> {
  readonly name: string;
  /** Never set: carries T for the compiler. */
  readonly type?: T;
}

export function serviceKey<T>(name: string): ServiceKey<T> {
  return { name };
}

export class ServiceRegistry {
  private readonly values = new Map<string, unknown>();

  provide<T>(key: ServiceKey<T>, value: T): void {
    if (this.values.has(key.name)) throw new Error(`service ${key.name} is provided twice`);
    this.values.set(key.name, value);
  }

  has(key: ServiceKey<unknown>): boolean {
    return this.values.has(key.name);
  }

  /** The service, or undefined when no capability of this build provides it. */
  find<T>(key: ServiceKey<T>): T | undefined {
    return this.values.get(key.name) as T | undefined;
  }

  /** The service; a capability asks only for what it declared it needs, so it is there. */
  get<T>(key: ServiceKey<T>): T {
    if (!this.values.has(key.name)) throw new Error(`service ${key.name} is not provided`);
    return this.values.get(key.name) as T;
  }
}
